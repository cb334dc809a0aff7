//! Each shopper's address book: up to `MAX_ADDRESSES`, one of them the default that
//! checkout picks first. Orders copy the address they ship to, so editing or deleting
//! one later changes no order.

use souq_wire::address;
use souq_wire::checkout::MAX_ADDRESSES;
use souq_wire::{Address, AddressInput};
use std::collections::HashMap;

use sqlx::AnyConnection;

use crate::base::db::{Db, now_ms, placeholders};
use crate::base::error::ApiError;

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    phone: String,
    line1: String,
    line2: String,
    city: String,
    region: String,
    postal_code: String,
    country: String,
    is_default: i64,
}

impl From<Row> for Address {
    fn from(row: Row) -> Address {
        Address {
            id: row.id,
            name: row.name,
            phone: row.phone,
            line1: row.line1,
            line2: row.line2,
            city: row.city,
            region: row.region,
            postal_code: row.postal_code,
            country: row.country,
            is_default: row.is_default != 0,
        }
    }
}

#[derive(sqlx::FromRow)]
struct OwnedRow {
    #[sqlx(flatten)]
    address: Row,
    user_id: i64,
}

const COLUMNS: &str =
    "id, name, phone, line1, line2, city, region, postal_code, country, is_default";

fn checked(input: &AddressInput) -> Result<AddressInput, ApiError> {
    address::address(input).map_err(|field| ApiError::Validation(field.message().into()))
}

/// The default first, then the newest.
pub async fn list(db: &Db, user_id: i64) -> Result<Vec<Address>, ApiError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM addresses WHERE user_id = $1 AND deleted_at IS NULL
         ORDER BY is_default DESC, created_at DESC, id DESC"
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(Address::from).collect())
}

/// Addresses by id, each with the shopper whose it is (not deleted ones): the caller
/// answers 404 for an address that is missing or someone else's.
pub async fn by_ids(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> Result<HashMap<i64, (i64, Address)>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT {COLUMNS}, user_id FROM addresses WHERE deleted_at IS NULL AND id IN ({})",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as::<_, OwnedRow>(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    Ok(query
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|row| (row.address.id, (row.user_id, Address::from(row.address))))
        .collect())
}

/// One of the shopper's own addresses; 404 for anyone else's.
async fn get(conn: &mut AnyConnection, user_id: i64, id: i64) -> Result<Address, ApiError> {
    by_ids(conn, &[id])
        .await?
        .remove(&id)
        .filter(|(owner, _)| *owner == user_id)
        .map(|(_, address)| address)
        .ok_or_else(|| ApiError::not_found("address"))
}

/// Makes `id` the one default, in the caller's transaction.
async fn make_default(conn: &mut AnyConnection, user_id: i64, id: i64) -> Result<(), ApiError> {
    sqlx::query(
        "UPDATE addresses SET is_default = CASE WHEN id = $2 THEN 1 ELSE 0 END
         WHERE user_id = $1 AND deleted_at IS NULL",
    )
    .bind(user_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Adds an address; the first one is the default whatever it says.
pub async fn add(db: &Db, user_id: i64, input: &AddressInput) -> Result<Address, ApiError> {
    let input = checked(input)?;
    let mut tx = db.begin_durable().await?;
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM addresses WHERE user_id = $1 AND deleted_at IS NULL")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
    if count >= MAX_ADDRESSES {
        return Err(ApiError::Validation(format!(
            "an address book holds at most {MAX_ADDRESSES} addresses"
        )));
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO addresses (user_id, name, phone, line1, line2, city, region, postal_code,
                                country, is_default, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10) RETURNING id",
    )
    .bind(user_id)
    .bind(&input.name)
    .bind(&input.phone)
    .bind(&input.line1)
    .bind(&input.line2)
    .bind(&input.city)
    .bind(&input.region)
    .bind(&input.postal_code)
    .bind(&input.country)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    if input.is_default || count == 0 {
        make_default(&mut tx, user_id, id).await?;
    }
    let address = get(&mut tx, user_id, id).await?;
    tx.commit().await?;
    Ok(address)
}

pub async fn update(
    db: &Db,
    user_id: i64,
    id: i64,
    input: &AddressInput,
) -> Result<Address, ApiError> {
    let input = checked(input)?;
    let mut tx = db.begin_durable().await?;
    let was = get(&mut tx, user_id, id).await?;
    sqlx::query(
        "UPDATE addresses SET name = $1, phone = $2, line1 = $3, line2 = $4, city = $5,
             region = $6, postal_code = $7, country = $8
         WHERE id = $9 AND user_id = $10",
    )
    .bind(&input.name)
    .bind(&input.phone)
    .bind(&input.line1)
    .bind(&input.line2)
    .bind(&input.city)
    .bind(&input.region)
    .bind(&input.postal_code)
    .bind(&input.country)
    .bind(id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    // The default moves only to another address, never away into nothing.
    if input.is_default && !was.is_default {
        make_default(&mut tx, user_id, id).await?;
    }
    let address = get(&mut tx, user_id, id).await?;
    tx.commit().await?;
    Ok(address)
}

/// Deletes an address; if it was the default, the newest other one becomes it.
pub async fn delete(db: &Db, user_id: i64, id: i64) -> Result<(), ApiError> {
    let mut tx = db.begin_durable().await?;
    let was = get(&mut tx, user_id, id).await?;
    sqlx::query("UPDATE addresses SET deleted_at = $1, is_default = 0 WHERE id = $2")
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if was.is_default {
        let next: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM addresses WHERE user_id = $1 AND deleted_at IS NULL
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((next,)) = next {
            make_default(&mut tx, user_id, next).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
