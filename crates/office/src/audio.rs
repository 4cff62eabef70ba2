//! Audio of the loudspeaker bulletin: the read-aloud script spoken by espeak-ng's Vietnamese voice
//! into a WAV file. This is the one place in `office` that runs another program; the text goes to it
//! through standard input, never on the command line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Why no audio could be made. Messages are Vietnamese: they are shown to the user as they are.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// The speech program is not installed (or not where it was said to be).
    #[error("Máy chủ chưa cài phần mềm đọc tiếng Việt espeak-ng nên chưa tạo được tệp âm thanh. Cài bằng lệnh: apt-get install espeak-ng (hoặc đặt LAMTHEO_ESPEAK tới chương trình). Bản tin dạng chữ vẫn dùng được.")]
    NotInstalled,
    /// The program runs but has no Vietnamese voice.
    #[error("Phần mềm espeak-ng trên máy chủ không có giọng đọc tiếng Việt nên chưa tạo được tệp âm thanh. Hãy cài bản espeak-ng đầy đủ (có giọng \"vi\"). Bản tin dạng chữ vẫn dùng được.")]
    NoVietnameseVoice,
    /// The program failed or gave something that is not a WAV file.
    #[error("Không tạo được tệp âm thanh: {0}. Bản tin dạng chữ vẫn dùng được.")]
    Failed(String),
    /// There is nothing to read.
    #[error("Bản tin không có nội dung để đọc thành tệp âm thanh.")]
    Empty,
}

/// The speech program used when none is configured: `espeak-ng`, looked up on `PATH`. (Callers
/// that let the administrator choose another one read `LAMTHEO_ESPEAK` themselves.)
pub fn default_espeak() -> PathBuf {
    PathBuf::from("espeak-ng")
}

/// A temporary file removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    /// A new unique path in the system's temporary directory (process id, a counter and the time).
    fn new() -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let name = format!("lamtheo-speech-{}-{n}-{nanos}.wav", std::process::id());
        TempFile(std::env::temp_dir().join(name))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        // The file may never have been written.
        let _ = std::fs::remove_file(&self.0);
    }
}

/// True when `bytes` start like a RIFF/WAVE file.
fn is_wav(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WAVE".as_slice())
}

/// Speaks `text` with `program` (espeak-ng, see [`default_espeak`]) as
/// `{program} -v vi -s 150 -w <temporary file> --stdin`, the text on standard input, and returns the
/// WAV bytes. The temporary file is removed afterwards.
///
/// Errors: [`AudioError::Empty`] for blank text, [`AudioError::NotInstalled`] when the program is not
/// found, [`AudioError::NoVietnameseVoice`] when it says it has no such voice, [`AudioError::Failed`]
/// for any other failure or an output that is not a WAV file.
pub fn speak_wav(text: &str, program: &Path) -> Result<Vec<u8>, AudioError> {
    if text.trim().is_empty() {
        return Err(AudioError::Empty);
    }
    let wav = TempFile::new();
    let mut child = Command::new(program)
        .args(["-v", "vi", "-s", "150", "-w"])
        .arg(&wav.0)
        .arg("--stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => AudioError::NotInstalled,
            _ => AudioError::Failed(format!("không chạy được chương trình đọc ({e})")),
        })?;
    // Feed the text from another thread so that a program that stops reading cannot block us; a
    // write error (the program exited early) shows in its exit status.
    let writer = child.stdin.take().map(|mut stdin| {
        let text = text.to_owned();
        std::thread::spawn(move || {
            let _ = stdin.write_all(text.as_bytes());
        })
    });
    let output = child
        .wait_with_output()
        .map_err(|e| AudioError::Failed(format!("chương trình đọc bị lỗi ({e})")))?;
    if let Some(w) = writer {
        let _ = w.join();
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        if stderr.to_lowercase().contains("voice") {
            return Err(AudioError::NoVietnameseVoice);
        }
        let detail = stderr.trim();
        return Err(AudioError::Failed(if detail.is_empty() {
            format!("chương trình đọc kết thúc với mã lỗi {}", output.status)
        } else {
            format!("chương trình đọc báo lỗi: {detail}")
        }));
    }
    let bytes = std::fs::read(&wav.0)
        .map_err(|e| AudioError::Failed(format!("không đọc được tệp âm thanh ({e})")))?;
    if !is_wav(&bytes) {
        return Err(AudioError::Failed(
            "chương trình đọc không trả về tệp WAV".to_owned(),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn wav_header_check() {
        assert!(is_wav(b"RIFF\x24\x00\x00\x00WAVEfmt "));
        assert!(!is_wav(b"RIFF\x24\x00\x00\x00AVI "));
        assert!(!is_wav(b"RIFF"));
        assert!(!is_wav(b""));
    }

    #[test]
    fn temporary_names_are_unique() {
        let a = TempFile::new();
        let b = TempFile::new();
        assert_ne!(a.0, b.0);
        assert!(a.0.starts_with(std::env::temp_dir()));
    }

    #[test]
    fn blank_text_is_empty() {
        assert!(matches!(
            speak_wav(" \n ", Path::new("espeak-ng")),
            Err(AudioError::Empty)
        ));
    }
}
