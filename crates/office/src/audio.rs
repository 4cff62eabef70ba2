//! Audio of the loudspeaker bulletin: the read-aloud script spoken by espeak-ng's Vietnamese voice
//! into a WAV file. This is the one place in `office` that runs another program; the text goes to it
//! through standard input, never on the command line.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Why no audio could be made. Messages are Vietnamese: they are shown to the user as they are.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AudioError {
    /// The speech program is not installed (or not where it was said to be).
    #[error("Máy chủ chưa có phần mềm đọc tiếng Việt nên chưa làm được tệp âm thanh; hãy báo người quản trị hệ thống. Phát thanh viên vẫn đọc theo kịch bản, bản thông báo vẫn in được.")]
    NotInstalled,
    /// The program runs but has no Vietnamese voice.
    #[error("Phần mềm đọc trên máy chủ chưa có giọng tiếng Việt nên chưa làm được tệp âm thanh; hãy báo người quản trị hệ thống. Phát thanh viên vẫn đọc theo kịch bản, bản thông báo vẫn in được.")]
    NoVietnameseVoice,
    /// The program failed or gave something that is not a WAV file.
    #[error("Không tạo được tệp âm thanh: {0}. Bản tin dạng chữ vẫn dùng được.")]
    Failed(String),
    /// There is nothing to read.
    #[error("Bản tin không có nội dung để đọc thành tệp âm thanh.")]
    Empty,
}

impl AudioError {
    /// What the server's administrator does about it: for the command line and administrators' pages,
    /// never for ward staff.
    pub fn admin_hint(&self) -> Option<&'static str> {
        match self {
            AudioError::NotInstalled => Some(
                "Cài espeak-ng (Debian/Ubuntu: apt-get install espeak-ng), hoặc đặt --espeak / LAMTHEO_ESPEAK \
                 tới chương trình.",
            ),
            AudioError::NoVietnameseVoice => Some(
                "Cài bản espeak-ng có giọng tiếng Việt \"vi\" (gói espeak-ng-data của Debian có sẵn).",
            ),
            AudioError::Failed(_) | AudioError::Empty => None,
        }
    }
}

/// Whether `program` can read Vietnamese: it runs and lists a voice of language "vi" (`--voices=vi`). A
/// cheap check (no speech) for deciding whether to offer audio at all.
pub fn check_speech(program: &Path) -> Result<(), AudioError> {
    let out = Command::new(program)
        .arg("--voices=vi")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
                AudioError::NotInstalled
            }
            _ => AudioError::Failed(format!("không chạy được chương trình đọc ({e})")),
        })?;
    if !out.status.success() {
        return Err(AudioError::Failed(format!(
            "chương trình đọc kết thúc với mã lỗi {}",
            out.status
        )));
    }
    // The listing: a header line, then "Pty Language Age/Gender VoiceName File …" per voice.
    let listed = String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .any(|l| {
            l.split_whitespace()
                .nth(1)
                .is_some_and(|lang| lang == "vi" || lang.starts_with("vi-"))
        });
    if listed {
        Ok(())
    } else {
        Err(AudioError::NoVietnameseVoice)
    }
}

/// The speech program used when none is configured: `espeak-ng`, looked up on `PATH`. (Callers
/// that let the administrator choose another one read `LAMTHEO_ESPEAK` themselves.)
pub fn default_espeak() -> PathBuf {
    PathBuf::from("espeak-ng")
}

/// Longest a reading may take before the program is stopped (a whole bulletin takes seconds).
const MAX_SECONDS: u64 = 180;

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
    // Created exclusively with a random name (no symlink games in a shared /tmp), removed when dropped.
    let wav = tempfile::Builder::new()
        .prefix("lamtheo-speech-")
        .suffix(".wav")
        .tempfile()
        .map_err(|e| AudioError::Failed(format!("không tạo được tệp tạm ({e})")))?;
    let mut child = Command::new(program)
        .args(["-v", "vi", "-s", "150", "-w"])
        .arg(wav.path())
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
    let reader = child.stderr.take().map(|mut err| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        })
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > Duration::from_secs(MAX_SECONDS) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(AudioError::Failed(format!(
                    "chương trình đọc chạy quá {MAX_SECONDS} giây nên đã bị dừng"
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(AudioError::Failed(format!("chương trình đọc bị lỗi ({e})"))),
        }
    };
    if let Some(w) = writer {
        let _ = w.join();
    }
    let stderr = reader.and_then(|r| r.join().ok()).unwrap_or_default();
    if !status.success() {
        if stderr.to_lowercase().contains("voice") {
            return Err(AudioError::NoVietnameseVoice);
        }
        let detail = stderr.trim();
        return Err(AudioError::Failed(if detail.is_empty() {
            format!("chương trình đọc kết thúc với mã lỗi {status}")
        } else {
            format!("chương trình đọc báo lỗi: {detail}")
        }));
    }
    let bytes = std::fs::read(wav.path())
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
    fn blank_text_is_empty() {
        assert!(matches!(
            speak_wav(" \n ", Path::new("espeak-ng")),
            Err(AudioError::Empty)
        ));
    }
}
