//! Money on the wire: an integer amount of minor units and an ISO 4217 currency code.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    /// Minor units (halalas, fils, cents): never a float.
    pub amount_minor: i64,
    /// ISO 4217 code, e.g. "SAR", "AED", "USD".
    pub currency: String,
}

impl Money {
    /// How many minor units make one major unit, as a power of ten.
    pub fn minor_digits(&self) -> u32 {
        match self.currency.as_str() {
            "KWD" | "BHD" | "OMR" | "JOD" => 3,
            "JPY" | "KRW" => 0,
            _ => 2,
        }
    }
}
