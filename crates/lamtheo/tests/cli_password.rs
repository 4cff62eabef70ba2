//! The CLI sets passwords through the same rule as the web and the API (OWASP ASVS V2.1): `lamtheo user
//! add` refuses a weak password with the Vietnamese reason and creates nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn lamtheo(dir: &std::path::Path, password: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lamtheo"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("LAMTHEO_DATABASE_URL")
        .env("LAMTHEO_PASSWORD", password)
        .output()
        .expect("run lamtheo")
}

#[test]
fn user_add_refuses_weak_passwords_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    for (user, password, reason) in [
        (
            "webuser",
            "webuser123",
            "Mật khẩu không được chứa tên đăng nhập",
        ),
        ("bithu.p7", "password12", "mật khẩu phổ biến"),
        ("bithu.p7", "aaaaaaaaa1", "mật khẩu phổ biến"),
        ("bithu.p7", "ngan2026", "ít nhất 10 ký tự"),
    ] {
        let out = lamtheo(
            dir.path(),
            password,
            &["user", "add", user, "--role", "admin", "--unit", "ROOT"],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{password} accepted");
        assert!(
            stderr.contains(&format!("Lỗi (password): {reason}")) || stderr.contains(reason),
            "{password}: {stderr}"
        );
    }
    let out = lamtheo(dir.path(), "", &["user", "list"]);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        !listed.contains("webuser") && !listed.contains("bithu.p7"),
        "{listed}"
    );
}
