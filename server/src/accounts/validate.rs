//! Sign-up fields parsed into types that cannot hold an invalid value. The rules
//! themselves live in `souq_wire::validate`, shared with the UI.

use souq_wire::validate::{self, Invalid};

use crate::base::error::ApiError;

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        ApiError::Validation(invalid.message().into())
    }
}

/// A lower-cased email address with a plausible shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, ApiError> {
        Ok(Email(validate::email(raw)?))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handle(String);

impl Handle {
    pub fn parse(raw: &str) -> Result<Handle, ApiError> {
        Ok(Handle(validate::handle(raw)?))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<DisplayName, ApiError> {
        Ok(DisplayName(validate::display_name(raw)?))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password. Only its hash is ever stored.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(raw: &str) -> Result<NewPassword, ApiError> {
        Ok(NewPassword(validate::password(raw)?))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}
