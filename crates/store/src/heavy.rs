//! CPU-heavy work (parsing uploaded files, building XLSX/DOCX files, decoding photos and making
//! thumbnails) runs on tokio's blocking pool, never on the async workers, and behind one process-wide
//! semaphore sized to the machine. A burst of heavy requests therefore waits its turn while `/healthz`,
//! page loads and API reads keep a core of their own (OWASP ASVS V11.1: resources are protected
//! against excessive use by a single request or user).
//!
//! The semaphore lives here, not in `web`, because the store decodes photos itself
//! ([`crate::Models::add_model_photo`]); `web::heavy` re-exports it for the handlers.

use std::sync::OnceLock;

use tokio::sync::Semaphore;

static FILES: OnceLock<Semaphore> = OnceLock::new();
static PASSWORDS: OnceLock<Semaphore> = OnceLock::new();

/// The kinds of heavy work, each with its own slots (the same number, [`slots`]), so that a long
/// import parse never makes a login wait and a password burst never holds up an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pool {
    /// Parsing uploads, building XLSX/DOCX files, decoding photos.
    Files,
    /// Argon2 password hashing and verification.
    Passwords,
}

/// The machine's cores as the process sees them (2 when unknown). Every limit sized to the machine
/// derives from this one count.
pub fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
}

/// Heavy jobs that may run at once: one fewer than the machine's cores (at least one), so that one
/// core always stays free for light requests.
pub fn slots() -> usize {
    cores().saturating_sub(1).max(1)
}

fn permits(pool: Pool) -> &'static Semaphore {
    let cell = match pool {
        Pool::Files => &FILES,
        Pool::Passwords => &PASSWORDS,
    };
    cell.get_or_init(|| Semaphore::new(slots()))
}

/// Runs `job` on the blocking pool once a slot is free and returns its result. A panic inside `job`
/// is resumed in the caller (where the web layer turns it into a 500 page).
///
/// The slot belongs to the job, not to the caller: it moves into the blocking closure and is freed
/// when the job ends. A caller that gives up (request timeout, client gone) therefore cannot free a
/// slot while its job still runs, so "start and disconnect" never runs more jobs than [`slots`].
pub async fn run<T, F>(job: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    match try_run(job).await {
        Ok(value) => value,
        Err(Cancelled) => std::panic::resume_unwind(Box::new("heavy job cancelled")),
    }
}

/// The blocking pool was shut down before the job ran (the runtime is stopping).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the blocking pool stopped before the job ran")]
pub struct Cancelled;

/// Like [`run`], but a job the runtime cancelled (shutdown) is an error instead of a panic. A panic
/// inside `job` is still resumed in the caller.
pub async fn try_run<T, F>(job: F) -> Result<T, Cancelled>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    try_run_in(Pool::Files, job).await
}

/// [`try_run`] in the given pool.
pub async fn try_run_in<T, F>(pool: Pool, job: F) -> Result<T, Cancelled>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    // The semaphore is never closed, so acquiring cannot fail; if it ever did, run without a permit
    // rather than refuse the work.
    let permit = permits(pool).acquire().await.ok();
    let joined = tokio::task::spawn_blocking(move || {
        let _slot = permit;
        job()
    })
    .await;
    match joined {
        Ok(value) => Ok(value),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(Cancelled),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    /// The tests that count the process-wide slots run one at a time, so that one's jobs cannot take
    /// slots the other is watching.
    static SLOT_TESTS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn heavy_jobs_never_exceed_the_slots_and_leave_the_workers_free() {
        let _serial = SLOT_TESTS.lock().await;
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_job_keeps_its_slot_when_its_caller_gives_up() {
        let _serial = SLOT_TESTS.lock().await;
        // Fill every slot with a job that waits for a signal, then drop the callers (as a request
        // timeout or a disconnected client does).
        let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
        let mut gates = Vec::new();
        let mut callers = Vec::new();
        for _ in 0..slots() {
            let (gate_tx, gate_rx) = std::sync::mpsc::channel::<()>();
            let started = started_tx.clone();
            gates.push(gate_tx);
            callers.push(tokio::spawn(run(move || {
                started.send(()).unwrap();
                let _ = gate_rx.recv();
            })));
        }
        let started_rx = Arc::new(std::sync::Mutex::new(started_rx));
        for _ in 0..slots() {
            let rx = started_rx.clone();
            tokio::task::spawn_blocking(move || rx.lock().unwrap().recv().unwrap())
                .await
                .unwrap();
        }
        for c in callers {
            c.abort();
            let _ = c.await;
        }
        // The jobs still run, so they still hold every slot: a new job cannot start.
        assert_eq!(permits(Pool::Files).available_permits(), 0);
        // Once they end, the slots are free again and the next job runs ("does not hang").
        drop(gates);
        tokio::time::timeout(Duration::from_secs(10), run(|| 7))
            .await
            .map(|v| assert_eq!(v, 7))
            .unwrap();
    }

    #[tokio::test]
    async fn a_panic_in_a_job_reaches_the_caller() {
        let r = tokio::spawn(run(|| -> u8 { panic!("boom") })).await;
        assert!(r.is_err());
    }
}
