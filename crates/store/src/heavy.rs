//! CPU-heavy work (parsing uploaded files, building XLSX/DOCX files, decoding photos and making
//! thumbnails) runs on tokio's blocking pool, never on the async workers, and behind one process-wide
//! semaphore sized to the machine. A burst of heavy requests therefore waits its turn while `/healthz`,
//! page loads and API reads keep a core of their own (OWASP ASVS V11.1: resources are protected
//! against excessive use by a single request or user).
//!
//! The semaphore lives here, not in `web`, because the store decodes photos itself
//! ([`crate::Db::add_model_photo`]); `web::heavy` re-exports it for the handlers.

use std::sync::OnceLock;

use tokio::sync::Semaphore;

static PERMITS: OnceLock<Semaphore> = OnceLock::new();

/// Heavy jobs that may run at once: one fewer than the machine's cores (at least one), so that one
/// core always stays free for light requests.
pub fn slots() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .saturating_sub(1)
        .max(1)
}

fn permits() -> &'static Semaphore {
    PERMITS.get_or_init(|| Semaphore::new(slots()))
}

/// Runs `job` on the blocking pool once a slot is free and returns its result. A panic inside `job`
/// is resumed in the caller (where the web layer turns it into a 500 page).
pub async fn run<T, F>(job: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    // The semaphore is never closed, so acquiring cannot fail; if it ever did, run without a permit
    // rather than refuse the work.
    let _permit = permits().acquire().await.ok();
    match tokio::task::spawn_blocking(job).await {
        Ok(value) => value,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn heavy_jobs_never_exceed_the_slots_and_leave_the_workers_free() {
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs: Vec<_> = (0..8)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(50));
                    running.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        // While the jobs run, the async workers still answer (generous timeout: "does not hang").
        tokio::time::timeout(Duration::from_secs(5), tokio::task::yield_now())
            .await
            .unwrap();
        for j in jobs {
            j.await.unwrap();
        }
        assert!(most.load(Ordering::SeqCst) <= slots());
        assert!(most.load(Ordering::SeqCst) >= 1);
    }

    #[tokio::test]
    async fn a_panic_in_a_job_reaches_the_caller() {
        let r = tokio::spawn(run(|| -> u8 { panic!("boom") })).await;
        assert!(r.is_err());
    }
}
