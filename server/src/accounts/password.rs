//! Password hashing with argon2id. Hashing is slow and memory-hungry on purpose (19 MiB
//! and tens of milliseconds of a core each), so it runs off the async threads and under
//! a bound: at most `Limits::password_hashes` at once, each slot with its own memory,
//! made once and reused. (Letting every hash allocate its own 19 MiB fragmented the heap
//! under a flood: 2 hashes at a time still grew the process by 600 MiB.) A request that
//! cannot get a slot within `Limits::hash_wait` gets 503 with Retry-After, so a flood
//! costs at most `password_hashes` x 19 MiB, however many requests wait.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

use crate::base::error::ApiError;
use crate::base::limits::Limits;

type Memory = Vec<Block>;

pub struct HashingBound {
    slots: Arc<Semaphore>,
    /// The memory of idle slots; a slot takes one (or makes it, the first time).
    memory: Arc<Mutex<Vec<Memory>>>,
    wait: Duration,
}

fn internal(what: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("{what}: {e}"))
}

/// Argon2 into `memory` (grown if the parameters need more), as `params` and `salt` say.
fn argon2_into(
    algorithm: Algorithm,
    version: Version,
    params: Params,
    password: &[u8],
    salt: &[u8],
    memory: &mut Memory,
) -> Result<Output, ApiError> {
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let output_len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let argon = Argon2::new(algorithm, version, params);
    let used = memory
        .get_mut(..blocks)
        .ok_or_else(|| ApiError::Internal("argon2 memory too small".into()))?;
    Output::init_with(output_len, |out| {
        argon
            .hash_password_into_with_memory(password, salt, out, &mut *used)
            .map_err(|_| argon2::password_hash::Error::Crypto)
    })
    .map_err(|e| internal("argon2", e))
}

fn hash_with(password: &[u8], memory: &mut Memory) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt
        .as_salt()
        .decode_b64(&mut salt_buf)
        .map_err(|e| internal("salt", e))?;
    let params = Params::default();
    let output = argon2_into(
        Algorithm::Argon2id,
        Version::V0x13,
        params.clone(),
        password,
        salt_bytes,
        memory,
    )?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| internal("params", e))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

fn verify_with(password: &[u8], stored: &str, memory: &mut Memory) -> Result<bool, ApiError> {
    let phc = PasswordHash::new(stored).map_err(|e| internal("stored hash", e))?;
    let algorithm = Algorithm::try_from(phc.algorithm).map_err(|e| internal("algorithm", e))?;
    let version = phc
        .version
        .map(Version::try_from)
        .transpose()
        .map_err(|e| internal("version", e))?
        .unwrap_or_default();
    let params = Params::try_from(&phc).map_err(|e| internal("params", e))?;
    let (Some(salt), Some(expected)) = (phc.salt, phc.hash) else {
        return Err(ApiError::Internal(
            "stored hash without salt or hash".into(),
        ));
    };
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt
        .decode_b64(&mut salt_buf)
        .map_err(|e| internal("salt", e))?;
    let computed = argon2_into(algorithm, version, params, password, salt_bytes, memory)?;
    // `Output` compares in constant time.
    Ok(computed == expected)
}

impl HashingBound {
    pub fn new(limits: &Limits) -> HashingBound {
        HashingBound {
            slots: Arc::new(Semaphore::new(limits.password_hashes.max(1))),
            memory: Arc::new(Mutex::new(Vec::new())),
            wait: limits.hash_wait,
        }
    }

    /// Runs `work` with a slot's memory on a blocking thread once a slot is free. The
    /// slot is held by the work itself, so a client that hangs up does not free it
    /// before the hash is done.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Memory) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let slot = tokio::time::timeout(self.wait, Arc::clone(&self.slots).acquire_owned())
            .await
            .map_err(|_| ApiError::Unavailable {
                detail: "every password-hashing slot is busy".into(),
                retry_after_secs: 1,
            })?
            .map_err(|e| internal("hashing slots", e))?;
        let pool = Arc::clone(&self.memory);
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            let idle = || {
                pool.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
            };
            let mut memory = idle().pop().unwrap_or_default();
            let result = work(&mut memory);
            idle().push(memory);
            result
        })
        .await
        .map_err(|e| internal("hash task", e))?
    }

    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move |memory| hash_with(password.as_bytes(), memory))
            .await
    }

    /// True when `password` matches `stored`. With no stored hash (unknown email) it
    /// still spends the time of a real check, so response times do not reveal which
    /// emails exist.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, ApiError> {
        self.run(move |memory| match stored {
            Some(stored) => verify_with(password.as_bytes(), &stored, memory),
            None => hash_with(password.as_bytes(), memory).map(|_| false),
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordVerifier;

    #[test]
    fn our_hashes_are_standard_argon2id_and_verify_both_ways() {
        let mut memory = Memory::new();
        let stored = hash_with(b"correct horse", &mut memory).unwrap_or_default();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify_with(b"correct horse", &stored, &mut memory).unwrap_or(false));
        assert!(!verify_with(b"wrong horse", &stored, &mut memory).unwrap_or(true));
        // The argon2 crate's own verifier agrees, so hashes stored before stay valid.
        let parsed = PasswordHash::new(&stored);
        assert!(parsed.is_ok_and(|p| {
            Argon2::default()
                .verify_password(b"correct horse", &p)
                .is_ok()
        }));
    }

    #[test]
    fn hashes_made_by_the_argon2_crate_verify_here() {
        use argon2::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let made = Argon2::default()
            .hash_password(b"souq-demo", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default();
        let mut memory = Memory::new();
        assert!(verify_with(b"souq-demo", &made, &mut memory).unwrap_or(false));
    }
}
