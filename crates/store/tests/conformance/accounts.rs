//! Accounts and sessions: login, throttling and sessions live in the database, so that two instances
//! (two `Db` on the same database) agree; logout, password change, disabling; who may create whom.

use crate::common::*;
use chrono::Duration;
use domain::policy::Principal;
use domain::Role;
use store::{Account, Actor, Db, LoginOutcome, NewAccount, SessionKind, StoreError};

const PASSWORD: &str = "matkhau2026";

fn new_account(username: &str, role: Role, unit_code: &str) -> NewAccount {
    NewAccount {
        username: username.into(),
        password: PASSWORD.into(),
        role,
        unit_code: unit_code.into(),
        member_id: None,
        display_name: format!("Tài khoản {username}"),
    }
}

fn invalid_fields(r: Result<Account, StoreError>) -> Vec<String> {
    match r {
        Err(StoreError::Invalid(list)) => list.into_iter().map(|f| f.field).collect(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

async fn login_ok(db: &Db, user: &str, password: &str, address: &str) -> (String, Principal) {
    match db
        .login(user, password, address, SessionKind::Web)
        .await
        .unwrap()
    {
        LoginOutcome::Ok { token, principal } => (token, principal),
        other => panic!("login {user} should succeed, got {other:?}"),
    }
}

async fn login_is(db: &Db, user: &str, password: &str, address: &str) -> &'static str {
    match db
        .login(user, password, address, SessionKind::Web)
        .await
        .unwrap()
    {
        LoginOutcome::Ok { .. } => "ok",
        LoginOutcome::Invalid => "invalid",
        LoginOutcome::Throttled => "throttled",
    }
}

async fn session_principal(db: &Db, token: &str) -> Option<Principal> {
    db.session(token, SessionKind::Web)
        .await
        .unwrap()
        .map(|s| s.principal)
}

pub async fn accounts_and_sessions(env: &Env) {
    let db = &env.db;
    let t = tree(db).await;

    // ---- who may create whom.
    let admin = db
        .create_account(&cli(), None, &new_account("quantri", Role::Admin, "TU"))
        .await
        .expect("first admin");
    let admin_p = admin.principal();
    assert_eq!(
        (admin_p.role, admin_p.unit_path.as_str()),
        (Role::Admin, t.root.path.as_str())
    );
    let office = db
        .create_account(
            &Actor::user(&admin_p, "web"),
            Some(&admin_p),
            &new_account("vanphong", Role::Office, "TU"),
        )
        .await
        .expect("admin creates office");
    let office_p = office.principal();
    let sec = db
        .create_account(
            &Actor::user(&office_p, "web"),
            Some(&office_p),
            &new_account("bithu.p7", Role::Secretary, "P7"),
        )
        .await
        .expect("office creates a secretary");
    let sec_p = sec.principal();
    assert_eq!(sec_p.unit_path, t.ward_a.path);

    // ---- password reset by the office: allowed below it, never upwards, never for oneself.
    let weak = db
        .reset_password(&Actor::user(&office_p, "web"), &office_p, sec.id, "ngan")
        .await;
    match weak {
        Err(StoreError::Invalid(list)) => assert_eq!(list[0].field, "password"),
        other => panic!("expected Invalid, got {other:?}"),
    }
    db.reset_password(
        &Actor::user(&office_p, "web"),
        &office_p,
        sec.id,
        "moimatkhau2026",
    )
    .await
    .expect("office resets a secretary's password");
    assert!(matches!(
        db.reset_password(
            &Actor::user(&office_p, "web"),
            &office_p,
            admin.id,
            "moimatkhau2026"
        )
        .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.reset_password(
            &Actor::user(&sec_p, "web"),
            &sec_p,
            sec.id,
            "moimatkhau2026"
        )
        .await,
        Err(StoreError::NotFound)
    ));
    db.set_password(&cli(), sec.id, PASSWORD, None)
        .await
        .expect("restore the fixture password");

    for role in [Role::Admin, Role::Office, Role::Secretary, Role::Member] {
        let fields = invalid_fields(
            db.create_account(&cli(), Some(&sec_p), &new_account("x.p7", role, "P7"))
                .await,
        );
        assert!(
            fields.contains(&"unit_code".to_string()),
            "secretary → {role:?}"
        );
    }
    for role in [Role::Admin, Role::Office] {
        let fields = invalid_fields(
            db.create_account(&cli(), Some(&office_p), &new_account("x.p8", role, "P8"))
                .await,
        );
        assert!(
            fields.contains(&"unit_code".to_string()),
            "office → {role:?}"
        );
    }
    let fields = invalid_fields(
        db.create_account(
            &cli(),
            None,
            &new_account("BiThu.P7", Role::Secretary, "P7"),
        )
        .await,
    );
    assert_eq!(fields, ["username"], "usernames are case-insensitive");
    let mut weak = new_account("bithu.p8", Role::Secretary, "P8");
    weak.password = "ngan1".into();
    assert_eq!(
        invalid_fields(db.create_account(&cli(), Some(&office_p), &weak).await),
        ["password"]
    );
    // A member account is tied to a member record of its unit.
    let m = add_member(db, &admin_p, person("Trương Văn An", "950001"), &t.cell_a1).await;
    let mut member_acc = new_account("dangvien.an", Role::Member, "P8-KP1");
    member_acc.member_id = Some(m);
    assert_eq!(
        invalid_fields(
            db.create_account(&cli(), Some(&office_p), &member_acc)
                .await
        ),
        ["member_id"]
    );
    member_acc.unit_code = "P7-KP1".into();
    let member = db
        .create_account(&cli(), Some(&office_p), &member_acc)
        .await
        .expect("member account");
    assert_eq!(member.principal().member_id, Some(m));

    let names = |list: Vec<Account>| list.into_iter().map(|a| a.username).collect::<Vec<_>>();
    let mut seen = names(db.list_accounts(Some(&office_p)).await.unwrap());
    seen.sort();
    assert_eq!(
        seen,
        ["bithu.p7", "dangvien.an", "vanphong"],
        "office sees itself, not the admin"
    );
    assert_eq!(
        names(db.list_accounts(Some(&sec_p)).await.unwrap()),
        ["bithu.p7"]
    );

    // ---- login and sessions.
    assert_eq!(
        login_is(db, "quantri", "sai-matkhau-1", "10.0.0.1").await,
        "invalid"
    );
    assert_eq!(
        login_is(db, "khongco", PASSWORD, "10.0.0.1").await,
        "invalid"
    );
    let (token, p) = login_ok(db, "  QuanTri ", PASSWORD, "10.0.0.1").await;
    assert_eq!(p, admin_p);
    assert_eq!(token.len(), 64);
    let info = db.session(&token, SessionKind::Web).await.unwrap().unwrap();
    assert_eq!(info.principal, admin_p);
    assert_eq!(info.display_name, "Tài khoản quantri");
    assert!(db
        .session(&token, SessionKind::Api)
        .await
        .unwrap()
        .is_none());
    assert!(session_principal(db, &"0".repeat(64)).await.is_none());
    assert!(session_principal(db, "short").await.is_none());

    // ---- throttling: 5 failures lock the account, counted across instances.
    let db2 = env.open_another().await;
    for _ in 0..3 {
        assert_eq!(
            login_is(db, "bithu.p7", "sai-matkhau-1", "10.0.0.2").await,
            "invalid"
        );
    }
    for _ in 0..2 {
        assert_eq!(
            login_is(&db2, "bithu.p7", "sai-matkhau-1", "10.0.0.3").await,
            "invalid"
        );
    }
    assert_eq!(
        login_is(db, "bithu.p7", PASSWORD, "10.0.0.4").await,
        "throttled"
    );
    assert_eq!(
        login_is(&db2, "bithu.p7", PASSWORD, "10.0.0.5").await,
        "throttled"
    );
    // Other accounts are not affected.
    let (other, _) = login_ok(&db2, "quantri", PASSWORD, "10.0.0.6").await;
    db2.logout(&other).await.unwrap();
    // The lock lasts for the window only.
    env.clock.advance(Duration::minutes(16));
    let (token2, p2) = login_ok(&db2, "bithu.p7", PASSWORD, "10.0.0.4").await;
    assert_eq!(p2, sec_p);
    // A session made by one instance is known to the other; logging out on one ends it for both.
    assert_eq!(session_principal(db, &token2).await, Some(sec_p.clone()));
    db.logout(&token2).await.unwrap();
    assert!(session_principal(db, &token2).await.is_none());
    assert!(session_principal(&db2, &token2).await.is_none());

    // ---- browser sessions slide with activity and end after 12 hours of inactivity.
    let (t3, _) = login_ok(db, "quantri", PASSWORD, "10.0.0.1").await;
    env.clock.advance(Duration::hours(11));
    assert!(session_principal(&db2, &t3).await.is_some());
    env.clock.advance(Duration::hours(11));
    assert!(session_principal(db, &t3).await.is_some());
    env.clock.advance(Duration::hours(13));
    assert!(session_principal(db, &t3).await.is_none());
    // API tokens are a separate kind.
    let api = match db
        .login("quantri", PASSWORD, "10.0.0.1", SessionKind::Api)
        .await
        .unwrap()
    {
        LoginOutcome::Ok { token, .. } => token,
        other => panic!("{other:?}"),
    };
    assert!(db.session(&api, SessionKind::Api).await.unwrap().is_some());
    assert!(db.session(&api, SessionKind::Web).await.unwrap().is_none());

    // ---- changing the password keeps this session and ends the others.
    let (a, _) = login_ok(db, "bithu.p7", PASSWORD, "10.0.0.2").await;
    let (b, _) = login_ok(&db2, "bithu.p7", PASSWORD, "10.0.0.3").await;
    let me = Actor::user(&sec_p, "web");
    match db
        .change_password(&me, sec.id, "sai-matkhau-1", "matkhaumoi2027", Some(&a))
        .await
    {
        Err(StoreError::Invalid(f)) => assert_eq!(f[0].field, "current"),
        other => panic!("{other:?}"),
    }
    match db
        .change_password(&me, sec.id, PASSWORD, "ngan", Some(&a))
        .await
    {
        Err(StoreError::Invalid(f)) => assert_eq!(f[0].field, "new"),
        other => panic!("{other:?}"),
    }
    assert!(
        session_principal(&db2, &b).await.is_some(),
        "failed changes end nothing"
    );
    db.change_password(&me, sec.id, PASSWORD, "matkhaumoi2027", Some(&a))
        .await
        .expect("change password");
    assert!(session_principal(&db2, &a).await.is_some());
    assert!(session_principal(db, &b).await.is_none());
    assert_eq!(
        login_is(db, "bithu.p7", PASSWORD, "10.0.0.7").await,
        "invalid"
    );
    let (c, _) = login_ok(&db2, "bithu.p7", "matkhaumoi2027", "10.0.0.7").await;

    // ---- disabled accounts: sessions end, login refused; who may disable whom.
    assert!(matches!(
        db.set_account_active(&cli(), &sec_p, office.id, false)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.set_account_active(&cli(), &office_p, admin.id, false)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.set_account_active(&cli(), &admin_p, admin.id, false)
            .await,
        Err(StoreError::NotFound)
    ));
    let off = db
        .set_account_active(&Actor::user(&office_p, "web"), &office_p, sec.id, false)
        .await
        .expect("office disables a secretary");
    assert!(!off.active);
    assert!(session_principal(db, &a).await.is_none());
    assert!(session_principal(&db2, &c).await.is_none());
    assert_eq!(
        login_is(&db2, "bithu.p7", "matkhaumoi2027", "10.0.0.8").await,
        "invalid"
    );
    db.set_account_active(&cli(), &office_p, sec.id, true)
        .await
        .unwrap();
    let (_, p) = login_ok(db, "bithu.p7", "matkhaumoi2027", "10.0.0.8").await;
    assert_eq!(p, sec_p);

    // ---- uploads (kept for a corrected retry): only for their owner, binary-safe, 30 days.
    let bytes: Vec<u8> = [
        &[0xEF, 0xBB, 0xBF][..],
        "Mã đơn vị\r\n".as_bytes(),
        &[0x00, 0xFF, 0xFE],
    ]
    .concat();
    let up = db
        .save_upload(sec.id, "members", "dang-vien.csv", &bytes)
        .await
        .unwrap();
    let got = db2.upload(sec.id, up).await.unwrap();
    assert_eq!(
        (got.kind.as_str(), got.filename.as_str()),
        ("members", "dang-vien.csv")
    );
    assert_eq!(got.content, bytes);
    assert!(matches!(
        db.upload(admin.id, up).await,
        Err(StoreError::NotFound)
    ));
    env.clock.advance(Duration::days(31));
    db.save_upload(admin.id, "units", "don-vi.csv", b"x")
        .await
        .unwrap();
    assert!(matches!(
        db.upload(sec.id, up).await,
        Err(StoreError::NotFound)
    ));
    db2.close().await;
}
on_every_backend!(env: accounts_and_sessions);
