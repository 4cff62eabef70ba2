//! The one rule for a password chosen by a person (OWASP ASVS V2.1): every path that sets a password —
//! account creation on the web, the API and the CLI, the first admin, a reset, a change — asks
//! [`check`], so they cannot drift apart.
//!
//! - at least [`MIN_CHARS`] characters (V2.1.1) and at most [`MAX_CHARS`] (V2.1.2: long pass phrases are
//!   welcome, absurd inputs are not);
//! - no composition rule (V2.1.9): any character, no "must contain a digit";
//! - not containing the user name, compared without case and diacritics ("BiThu.P7" and "bithup7" both
//!   count for the account `bithu.p7`);
//! - not one of the ~100.000 most common passwords (V2.1.7), from the list the `passwords` crate ships
//!   as data, compared as typed and in lower case;
//! - at least [`MIN_DISTINCT`] different characters ("aaaaaaaaa1" is a keyboard accident, not a secret).

use crate::text::fold;

/// Fewest characters a password may have.
pub const MIN_CHARS: usize = 10;
/// Most characters a password may have.
pub const MAX_CHARS: usize = 128;
/// Fewest different characters a password must use.
pub const MIN_DISTINCT: usize = 4;

/// The rule in one sentence, shown beside every field where a password is chosen. It names no example
/// pass phrase: a published example is the first thing an attacker tries.
pub const HINT: &str = "Ít nhất 10 ký tự, không chứa tên đăng nhập, không phải mật khẩu phổ biến. \
                        Nên dùng một cụm vài từ dễ nhớ mà chỉ mình bạn nghĩ ra.";

/// Why a password is refused. The messages are meant for the person choosing it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("Mật khẩu phải có ít nhất {MIN_CHARS} ký tự")]
    TooShort,
    #[error("Mật khẩu dài tối đa {MAX_CHARS} ký tự")]
    TooLong,
    #[error("Mật khẩu không được chứa tên đăng nhập")]
    ContainsUsername,
    #[error("Mật khẩu này nằm trong danh sách mật khẩu phổ biến mà kẻ gian thử đầu tiên; hãy chọn mật khẩu khác")]
    Common,
    #[error("Mật khẩu phải có ít nhất {MIN_DISTINCT} ký tự khác nhau")]
    Repetitive,
}

/// Checks a new password for the account `username`.
pub fn check(password: &str, username: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordError::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PasswordError::TooLong);
    }
    if contains_username(password, username) {
        return Err(PasswordError::ContainsUsername);
    }
    if is_common(password) {
        return Err(PasswordError::Common);
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < MIN_DISTINCT {
        return Err(PasswordError::Repetitive);
    }
    Ok(())
}

/// Whether the password is on the shipped list of common passwords (as typed or in lower case).
pub fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    passwords::analyzer::is_common_password(password)
        || (lower != password && passwords::analyzer::is_common_password(&lower))
}

/// Whether the password contains the user name, ignoring case, diacritics and separators.
fn contains_username(password: &str, username: &str) -> bool {
    let user = fold(username);
    if user.chars().count() < 3 {
        return false;
    }
    let pass = fold(password);
    if pass.contains(&user) {
        return true;
    }
    let bare = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
    };
    let (user, pass) = (bare(&user), bare(&pass));
    user.chars().count() >= 3 && pass.contains(&user)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_probed_passwords_are_refused() {
        assert_eq!(check("password12", "x.y"), Err(PasswordError::Common));
        assert_eq!(
            check("webuser123", "webuser"),
            Err(PasswordError::ContainsUsername)
        );
        assert!(check("aaaaaaaaa1", "x.y").is_err());
        assert_eq!(check("short1", "x.y"), Err(PasswordError::TooShort));
        assert_eq!(check(&"a1".repeat(65), "x.y"), Err(PasswordError::TooLong));
        assert_eq!(
            check("zzzzzyyyyyzzzz", "x.y"),
            Err(PasswordError::Repetitive)
        );
    }

    #[test]
    fn common_list_is_case_insensitive() {
        assert_eq!(check("Password123", "x.y"), Err(PasswordError::Common));
        assert_eq!(check("1234567890", "x.y"), Err(PasswordError::Common));
    }

    #[test]
    fn user_name_is_found_without_case_diacritics_or_separators() {
        for pw in [
            "BiThu.P7-2026",
            "xxbithup7xx",
            "BÍTHU.P7 ngày mới",
            "2026 bi thu p7",
        ] {
            assert_eq!(
                check(pw, "bithu.p7"),
                Err(PasswordError::ContainsUsername),
                "{pw}"
            );
        }
        assert!(check("bi thu phuong bay", "bithu.p7").is_ok());
    }

    #[test]
    fn pass_phrases_and_any_characters_are_welcome() {
        assert!(check("ca phe sang o ben tre", "bithu.p7").is_ok());
        assert!(check("Hk7m-q2Xr-9wPe", "admin").is_ok());
        assert!(check("mậtkhẩuđủdài", "admin").is_ok());
        assert!(
            check("ngaymaitroinang", "admin").is_ok(),
            "no composition rule"
        );
        assert!(check(&"ab1-".repeat(32), "admin").is_ok(), "128 characters");
    }

    #[test]
    fn the_hint_publishes_no_usable_password() {
        // A pass phrase shown as an example is one everybody can read: the hint offers none.
        assert!(!HINT.contains('"') && !HINT.contains("ví dụ"), "{HINT}");
        assert!(!HINT.contains("ca phe sang o ben tre"));
    }

    #[test]
    fn messages_are_vietnamese() {
        assert_eq!(
            PasswordError::TooShort.to_string(),
            "Mật khẩu phải có ít nhất 10 ký tự"
        );
        assert!(PasswordError::Common.to_string().contains("phổ biến"));
    }

    proptest! {
        /// Never panics, and whatever it accepts meets every stated bound.
        #[test]
        fn accepted_passwords_meet_the_bounds(pw in "\\PC{0,140}", user in "[a-z0-9._-]{3,12}") {
            if check(&pw, &user).is_ok() {
                let n = pw.chars().count();
                prop_assert!((MIN_CHARS..=MAX_CHARS).contains(&n));
                prop_assert!(!fold(&pw).contains(&fold(&user)));
                prop_assert!(!is_common(&pw));
            }
        }

        /// Appending the user name to any password makes it unacceptable.
        #[test]
        fn with_the_user_name_inside_is_refused(pre in "[a-z ]{0,8}", user in "[a-z]{3,12}") {
            let pw = format!("{pre}{}2026xyz", user.to_uppercase());
            prop_assert!(check(&pw, &user).is_err());
        }
    }
}
