//! Property tests of the access policy over generated trees: a principal covers exactly the units whose
//! path starts with theirs (never a sibling whose id merely shares digits), member accounts see only
//! themselves, and no role can grant a role above its own.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::policy::{MemberScope, Principal};
use domain::Role;
use proptest::prelude::*;

/// A path "/a/b/c/" from a list of ids.
fn path(ids: &[u32]) -> String {
    let mut s = String::from("/");
    for id in ids {
        s.push_str(&id.to_string());
        s.push('/');
    }
    s
}

fn role() -> impl Strategy<Value = Role> {
    prop::sample::select(Role::ALL.to_vec())
}

fn principal(role: Role, ids: &[u32], member: Option<i64>) -> Principal {
    Principal {
        user_id: 1,
        username: "u".into(),
        role,
        unit_id: i64::from(*ids.last().unwrap_or(&1)),
        unit_path: path(ids),
        member_id: member,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn covers_exactly_the_subtree(grant in prop::collection::vec(1u32..120, 1..5), target in prop::collection::vec(1u32..120, 1..7), r in role()) {
        let p = principal(r, &grant, Some(7));
        let inside = target.len() >= grant.len() && target[..grant.len()] == grant[..];
        prop_assert_eq!(p.covers(&path(&target)), inside);
    }

    #[test]
    fn sql_scope_agrees_with_object_checks(grant in prop::collection::vec(1u32..50, 1..4), target in prop::collection::vec(1u32..50, 1..6), r in role(), member in 1i64..20, linked in 1i64..20) {
        let p = principal(r, &grant, Some(linked));
        let target_path = path(&target);
        let by_object = p.can_read_member(member, &target_path);
        let by_sql = match p.member_scope() {
            MemberScope::Subtree(prefix) => target_path.starts_with(&prefix),
            MemberScope::Only(id) => id == member,
            MemberScope::Nothing => false,
        };
        prop_assert_eq!(by_object, by_sql);
        if r == Role::Member {
            prop_assert_eq!(by_object, member == linked);
        }
        // Writing needs reading first, and no read-only role ever writes.
        if p.can_write_member(&target_path) {
            prop_assert!(by_object);
            prop_assert!(matches!(r, Role::Admin | Role::Office | Role::Secretary));
        }
    }

    #[test]
    fn nobody_grants_above_themselves(grant in prop::collection::vec(1u32..50, 1..4), target in prop::collection::vec(1u32..50, 1..6), r in role(), wanted in role()) {
        let p = principal(r, &grant, None);
        if p.can_grant(wanted, &path(&target)) {
            prop_assert!(wanted <= r);
            prop_assert!(p.covers(&path(&target)));
            prop_assert!(matches!(r, Role::Admin | Role::Office));
            if r == Role::Office {
                prop_assert!(wanted < Role::Office);
            }
        }
    }
}
