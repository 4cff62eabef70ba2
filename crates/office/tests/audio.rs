//! Speaking the bulletin with espeak-ng.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use office::{default_espeak, speak_wav, AudioError};

#[test]
fn a_missing_program_is_not_installed() {
    let err = speak_wav(
        "Kính thưa bà con nhân dân.",
        Path::new("/nonexistent/lamtheo/espeak-ng-khong-co"),
    )
    .unwrap_err();
    assert!(matches!(err, AudioError::NotInstalled), "{err:?}");
    assert_eq!(
        err.to_string(),
        "Máy chủ chưa cài phần mềm đọc tiếng Việt espeak-ng nên chưa tạo được tệp âm thanh. Cài bằng \
         lệnh: apt-get install espeak-ng (hoặc đặt LAMTHEO_ESPEAK tới chương trình). Bản tin dạng chữ \
         vẫn dùng được."
    );
}

#[test]
fn blank_text_is_empty() {
    assert!(matches!(
        speak_wav("  ", &default_espeak()),
        Err(AudioError::Empty)
    ));
}

#[test]
fn a_program_that_fails_is_reported() {
    // `false` exists on every Unix system, reads nothing and exits with 1.
    if Command::new("false").output().is_err() {
        println!("no `false` program: skipped");
        return;
    }
    let err = speak_wav("Xin chào", Path::new("false")).unwrap_err();
    assert!(matches!(err, AudioError::Failed(_)), "{err:?}");
    assert!(err.to_string().starts_with("Không tạo được tệp âm thanh"));
}

fn espeak_on_path() -> bool {
    Command::new(default_espeak())
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn espeak_speaks_vietnamese_when_installed() {
    assert_eq!(default_espeak(), Path::new("espeak-ng"));
    if !espeak_on_path() {
        println!("espeak-ng không có trên PATH: bỏ qua kiểm tra tạo tệp WAV");
        return;
    }
    let text = "Kính thưa bà con nhân dân Phường bảy, đài truyền thanh xin thông báo.";
    let wav = speak_wav(text, &default_espeak()).unwrap();
    assert_eq!(&wav[0..4], b"RIFF");
    assert_eq!(&wav[8..12], b"WAVE");
    assert!(wav.len() > 1_000, "{} bytes", wav.len());
    // Text that looks like options is read, not obeyed: it goes through standard input.
    let wav = speak_wav("--version -w /tmp/x", &default_espeak()).unwrap();
    assert_eq!(&wav[0..4], b"RIFF");
}
