//! Speaking the bulletin with espeak-ng.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use office::{check_speech, default_espeak, speak_wav, AudioError};

#[test]
fn a_missing_program_is_not_installed() {
    let missing = Path::new("/nonexistent/lamtheo/espeak-ng-khong-co");
    let err = speak_wav("Kính thưa bà con nhân dân.", missing).unwrap_err();
    assert!(matches!(err, AudioError::NotInstalled), "{err:?}");
    assert!(matches!(
        check_speech(missing),
        Err(AudioError::NotInstalled)
    ));
    // Ward staff are told what to do in their words; the command is for the administrator.
    assert_eq!(
        err.to_string(),
        "Máy chủ chưa có phần mềm đọc tiếng Việt nên chưa làm được tệp âm thanh; hãy báo người quản trị hệ \
         thống. Phát thanh viên vẫn đọc theo kịch bản, bản thông báo vẫn in được."
    );
    assert!(err
        .admin_hint()
        .is_some_and(|h| h.contains("apt-get install espeak-ng")));
}

#[test]
fn a_program_without_a_vietnamese_voice_is_told_apart() {
    // `true` runs, succeeds and lists no voice.
    if Command::new("true").output().is_err() {
        println!("no `true` program: skipped");
        return;
    }
    assert!(matches!(
        check_speech(Path::new("true")),
        Err(AudioError::NoVietnameseVoice)
    ));
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
    check_speech(&default_espeak()).unwrap();
    let text = "Kính thưa bà con nhân dân Phường bảy, đài truyền thanh xin thông báo.";
    let wav = speak_wav(text, &default_espeak()).unwrap();
    assert_eq!(&wav[0..4], b"RIFF");
    assert_eq!(&wav[8..12], b"WAVE");
    assert!(wav.len() > 1_000, "{} bytes", wav.len());
    // Text that looks like options is read, not obeyed: it goes through standard input.
    let wav = speak_wav("--version -w /tmp/x", &default_espeak()).unwrap();
    assert_eq!(&wav[0..4], b"RIFF");
}
