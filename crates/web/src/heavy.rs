//! CPU-heavy work of the handlers (parsing uploads, building XLSX/DOCX files) goes through
//! [`run`]: tokio's blocking pool behind the process-wide semaphore of `store::heavy` (shared with the
//! store's photo decoding), sized to the machine by [`slots`]. One heavy request can then never stall
//! `/healthz` or the light requests on the async workers.

pub use store::heavy::{run, slots};
