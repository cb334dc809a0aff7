//! Paging, the one way every list is cut into pages: a page starts strictly older
//! than a cursor (time, id), is fetched with one extra row to learn whether another
//! follows, and is asked for with `PageParams` (`before`, `limit`).

use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ApiError;

/// A page's length when the client names none.
pub const DEFAULT_PAGE: i64 = 20;
/// The longest page a client may ask for.
pub const MAX_PAGE: i64 = 100;

/// Where a page starts: strictly older than this (time, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at_ms: i64,
    pub id: i64,
}

impl Cursor {
    /// The cursor before everything.
    pub const START: Cursor = Cursor {
        at_ms: i64::MAX,
        id: i64::MAX,
    };

    pub fn parse(raw: &str) -> Result<Cursor, ApiError> {
        let bad = || ApiError::BadRequest(format!("invalid cursor {raw:?}"));
        let (ms, id) = raw.split_once('_').ok_or_else(bad)?;
        Ok(Cursor {
            at_ms: ms.parse().map_err(|_| bad())?,
            id: id.parse().map_err(|_| bad())?,
        })
    }

    pub fn encode(self) -> String {
        format!("{}_{}", self.at_ms, self.id)
    }
}

/// Cuts a page fetched with one extra row down to `limit`, and returns the cursor of
/// the next page: present only when that extra row proved there is one.
pub fn cut_page<T>(
    rows: &mut Vec<T>,
    limit: i64,
    cursor_of: impl Fn(&T) -> Cursor,
) -> Option<String> {
    let has_more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    if has_more {
        rows.last().map(|row| cursor_of(row).encode())
    } else {
        None
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageParams {
    /// The `next_cursor` of the previous page.
    #[param(pattern = r"^-?[0-9]{1,18}_-?[0-9]{1,18}$")]
    pub before: Option<String>,
    /// 1 to 100; 20 when absent.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

impl PageParams {
    pub fn cursor(&self) -> Result<Cursor, ApiError> {
        self.before
            .as_deref()
            .map_or(Ok(Cursor::START), Cursor::parse)
    }

    pub fn limit(&self) -> Result<i64, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_PAGE),
            Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
            Some(n) => Err(ApiError::BadRequest(format!(
                "limit must be 1 to {MAX_PAGE} (got {n})"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor {
            at_ms: 1_700_000_000_000,
            id: 42,
        };
        assert_eq!(Cursor::parse(&c.encode()).ok(), Some(c));
        for bad in ["", "12", "a_b", "1_x", "1_2_3"] {
            assert!(Cursor::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
