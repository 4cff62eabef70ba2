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
        .accounts()
        .login(user, password, address, SessionKind::Web)
        .await
        .unwrap()
    {
        LoginOutcome::Ok {
            token, principal, ..
        } => (token, principal),
        other => panic!("login {user} should succeed, got {other:?}"),
    }
}

async fn login_is(db: &Db, user: &str, password: &str, address: &str) -> &'static str {
    match db
        .accounts()
        .login(user, password, address, SessionKind::Web)
        .await
        .unwrap()
    {
        LoginOutcome::Ok { .. } => "ok",
        LoginOutcome::Invalid => "invalid",
        LoginOutcome::Throttled { .. } => "throttled",
    }
}

async fn session_principal(db: &Db, token: &str) -> Option<Principal> {
    db.accounts()
        .session(token, SessionKind::Web)
        .await
        .unwrap()
        .map(|s| s.principal)
}

pub async fn accounts_and_sessions(env: &Env) {
    let db = &env.db;
    let t = tree(db).await;

    // ---- who may create whom.
    let admin = db
        .accounts()
        .create_account(&cli(), None, &new_account("quantri", Role::Admin, "TU"))
        .await
        .expect("first admin");
    let admin_p = admin.principal();
    assert_eq!(
        (admin_p.role, admin_p.unit_path.as_str()),
        (Role::Admin, t.root.path.as_str())
    );
    let office = db
        .accounts()
        .create_account(
            &Actor::user(&admin_p, "web"),
            Some(&admin_p),
            &new_account("vanphong", Role::Office, "TU"),
        )
        .await
        .expect("admin creates office");
    let office_p = office.principal();
    let sec = db
        .accounts()
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
        .accounts()
        .reset_password(&Actor::user(&office_p, "web"), &office_p, sec.id, "ngan")
        .await;
    match weak {
        Err(StoreError::Invalid(list)) => assert_eq!(list[0].field, "password"),
        other => panic!("expected Invalid, got {other:?}"),
    }
    db.accounts()
        .reset_password(
            &Actor::user(&office_p, "web"),
            &office_p,
            sec.id,
            "moimatkhau2026",
        )
        .await
        .expect("office resets a secretary's password");
    assert!(matches!(
        db.accounts()
            .reset_password(
                &Actor::user(&office_p, "web"),
                &office_p,
                admin.id,
                "moimatkhau2026"
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.accounts()
            .reset_password(
                &Actor::user(&sec_p, "web"),
                &sec_p,
                sec.id,
                "moimatkhau2026"
            )
            .await,
        Err(StoreError::NotFound)
    ));
    db.accounts()
        .set_password(&cli(), sec.id, PASSWORD, None)
        .await
        .expect("restore the fixture password");

    for role in [Role::Admin, Role::Office, Role::Secretary, Role::Member] {
        let fields = invalid_fields(
            db.accounts()
                .create_account(&cli(), Some(&sec_p), &new_account("x.p7", role, "P7"))
                .await,
        );
        assert!(
            fields.contains(&"unit_code".to_string()),
            "secretary → {role:?}"
        );
    }
    for role in [Role::Admin, Role::Office] {
        let fields = invalid_fields(
            db.accounts()
                .create_account(&cli(), Some(&office_p), &new_account("x.p8", role, "P8"))
                .await,
        );
        assert!(
            fields.contains(&"unit_code".to_string()),
            "office → {role:?}"
        );
    }
    let fields = invalid_fields(
        db.accounts()
            .create_account(
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
        invalid_fields(
            db.accounts()
                .create_account(&cli(), Some(&office_p), &weak)
                .await
        ),
        ["password"]
    );
    // A member account is tied to a member record of its unit.
    let m = add_member(db, &admin_p, person("Trương Văn An", "950001"), &t.cell_a1).await;
    let mut member_acc = new_account("dangvien.an", Role::Member, "P8-KP1");
    member_acc.member_id = Some(m);
    assert_eq!(
        invalid_fields(
            db.accounts()
                .create_account(&cli(), Some(&office_p), &member_acc)
                .await
        ),
        ["member_id"]
    );
    member_acc.unit_code = "P7-KP1".into();
    let member = db
        .accounts()
        .create_account(&cli(), Some(&office_p), &member_acc)
        .await
        .expect("member account");
    assert_eq!(member.principal().member_id, Some(m));

    let names = |list: Vec<Account>| list.into_iter().map(|a| a.username).collect::<Vec<_>>();
    let mut seen = names(db.accounts().list_accounts(Some(&office_p)).await.unwrap());
    seen.sort();
    assert_eq!(
        seen,
        ["bithu.p7", "dangvien.an", "vanphong"],
        "office sees itself, not the admin"
    );
    assert_eq!(
        names(db.accounts().list_accounts(Some(&sec_p)).await.unwrap()),
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
    let info = db
        .accounts()
        .session(&token, SessionKind::Web)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(info.principal, admin_p);
    assert_eq!(info.display_name, "Tài khoản quantri");
    assert!(db
        .accounts()
        .session(&token, SessionKind::Api)
        .await
        .unwrap()
        .is_none());
    assert!(session_principal(db, &"0".repeat(64)).await.is_none());
    assert!(session_principal(db, "short").await.is_none());

    // ---- throttling: after 5 failures the account waits (a minute first), counted across instances.
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
    db2.accounts().logout(&other).await.unwrap();
    // The wait is short: a minute after the fifth failure the owner gets in.
    env.clock.advance(Duration::minutes(1));
    let (token2, p2) = login_ok(&db2, "bithu.p7", PASSWORD, "10.0.0.4").await;
    assert_eq!(p2, sec_p);
    // A session made by one instance is known to the other; logging out on one ends it for both.
    assert_eq!(session_principal(db, &token2).await, Some(sec_p.clone()));
    db.accounts().logout(&token2).await.unwrap();
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
        .accounts()
        .login("quantri", PASSWORD, "10.0.0.1", SessionKind::Api)
        .await
        .unwrap()
    {
        LoginOutcome::Ok { token, .. } => token,
        other => panic!("{other:?}"),
    };
    assert!(db
        .accounts()
        .session(&api, SessionKind::Api)
        .await
        .unwrap()
        .is_some());
    assert!(db
        .accounts()
        .session(&api, SessionKind::Web)
        .await
        .unwrap()
        .is_none());

    // ---- changing the password keeps this session and ends the others.
    let (a, _) = login_ok(db, "bithu.p7", PASSWORD, "10.0.0.2").await;
    let (b, _) = login_ok(&db2, "bithu.p7", PASSWORD, "10.0.0.3").await;
    let me = Actor::user(&sec_p, "web");
    match db
        .accounts()
        .change_password(&me, sec.id, "sai-matkhau-1", "matkhaumoi2027", Some(&a))
        .await
    {
        Err(StoreError::Invalid(f)) => assert_eq!(f[0].field, "current"),
        other => panic!("{other:?}"),
    }
    match db
        .accounts()
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
    db.accounts()
        .change_password(&me, sec.id, PASSWORD, "matkhaumoi2027", Some(&a))
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
        db.accounts()
            .set_account_active(&cli(), &sec_p, office.id, false)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.accounts()
            .set_account_active(&cli(), &office_p, admin.id, false)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.accounts()
            .set_account_active(&cli(), &admin_p, admin.id, false)
            .await,
        Err(StoreError::NotFound)
    ));
    let off = db
        .accounts()
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
    db.accounts()
        .set_account_active(&cli(), &office_p, sec.id, true)
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
        .accounts()
        .save_upload(sec.id, "members", "dang-vien.csv", &bytes)
        .await
        .unwrap();
    let got = db2.accounts().upload(sec.id, up).await.unwrap();
    assert_eq!(
        (got.kind.as_str(), got.filename.as_str()),
        ("members", "dang-vien.csv")
    );
    assert_eq!(got.content, bytes);
    assert!(matches!(
        db.accounts().upload(admin.id, up).await,
        Err(StoreError::NotFound)
    ));
    env.clock.advance(Duration::days(31));
    db.accounts()
        .save_upload(admin.id, "units", "don-vi.csv", b"x")
        .await
        .unwrap();
    assert!(matches!(
        db.accounts().upload(sec.id, up).await,
        Err(StoreError::NotFound)
    ));
    db2.close().await;
}
on_every_backend!(env: accounts_and_sessions);

// ---- the login throttle: counted before the password check, delays instead of lock-outs, devices.

async fn attempt(
    db: &Db,
    user: &str,
    password: &str,
    address: &str,
    device: Option<&str>,
) -> LoginOutcome {
    db.accounts()
        .login_from_device(user, password, address, device, SessionKind::Web)
        .await
        .unwrap()
}

fn retry_after(o: &LoginOutcome) -> i64 {
    match o {
        LoginOutcome::Throttled { retry_after_secs } => *retry_after_secs,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Runs `n` logins at once (`password_of(i)`, address `address_of(i)`) and counts the outcomes
/// (ok, invalid, throttled).
async fn burst(
    db: &Db,
    user: &str,
    n: usize,
    password_of: impl Fn(usize) -> &'static str,
    address_of: impl Fn(usize) -> String,
) -> (usize, usize, usize) {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..n {
        let (db, user, password, address) =
            (db.clone(), user.to_string(), password_of(i), address_of(i));
        tasks.spawn(async move { attempt(&db, &user, password, &address, None).await });
    }
    let (mut ok, mut invalid, mut throttled) = (0, 0, 0);
    while let Some(r) = tasks.join_next().await {
        match r.unwrap() {
            LoginOutcome::Ok { .. } => ok += 1,
            LoginOutcome::Invalid => invalid += 1,
            LoginOutcome::Throttled { .. } => throttled += 1,
        }
    }
    (ok, invalid, throttled)
}

pub async fn login_bursts_check_at_most_five_passwords(env: &Env) {
    let db = &env.db;
    tree(db).await;
    db.accounts()
        .create_account(
            &cli(),
            None,
            &new_account("bithu.p7", Role::Secretary, "P7"),
        )
        .await
        .unwrap();
    // 150 wrong passwords at once, from 150 addresses: five are checked, the rest refused unchecked.
    let before = db.accounts().password_checks();
    let (ok, invalid, throttled) = burst(
        db,
        "bithu.p7",
        150,
        |_| "sai-matkhau-1",
        |i| format!("10.9.{}.{}", i / 100, i % 100),
    )
    .await;
    assert_eq!((ok, invalid, throttled), (0, 5, 145));
    assert_eq!(
        db.accounts().password_checks() - before,
        5,
        "Argon2 ran once per admitted attempt only"
    );
    // Now even the right password from an unknown device waits, without being checked.
    let checks = db.accounts().password_checks();
    let o = attempt(db, "bithu.p7", PASSWORD, "10.9.9.9", None).await;
    assert_eq!(retry_after(&o), 60);
    let (ok, invalid, _) = burst(db, "bithu.p7", 40, |_| PASSWORD, |i| format!("10.8.0.{i}")).await;
    assert_eq!(
        (ok, invalid),
        (0, 0),
        "no burst lets the right password through"
    );
    assert_eq!(db.accounts().password_checks(), checks);
    // A fresh streak (after a day) and a burst mixing 39 wrong passwords with the right one: at most five
    // are checked, so the right one can only win among the first five.
    env.clock.advance(Duration::hours(25));
    let before = db.accounts().password_checks();
    let (ok, invalid, throttled) = burst(
        db,
        "bithu.p7",
        40,
        |i| if i == 39 { PASSWORD } else { "sai-matkhau-1" },
        |i| format!("10.7.0.{i}"),
    )
    .await;
    assert!(
        ok + invalid <= 5 && ok + invalid + throttled == 40,
        "{ok} {invalid} {throttled}"
    );
    assert!(db.accounts().password_checks() - before <= 5);
}
on_every_backend!(env: login_bursts_check_at_most_five_passwords);

pub async fn login_delays_grow_and_known_devices_pass(env: &Env) {
    let db = &env.db;
    tree(db).await;
    for (u, unit) in [("bithu.p7", "P7"), ("bithu.p8", "P8")] {
        db.accounts()
            .create_account(&cli(), None, &new_account(u, Role::Secretary, unit))
            .await
            .unwrap();
    }
    // The owner signs in once on their own device and keeps its token.
    let device = match attempt(db, "bithu.p7", PASSWORD, "10.0.0.1", None).await {
        LoginOutcome::Ok { device, .. } => device,
        other => panic!("{other:?}"),
    };
    assert_eq!(device.len(), 64);
    // Someone else hammers the account: five wrong passwords, then a wait of one minute.
    for _ in 0..5 {
        assert_eq!(
            login_is(db, "bithu.p7", "sai-matkhau-1", "10.6.6.6").await,
            "invalid"
        );
    }
    assert_eq!(
        retry_after(&attempt(db, "bithu.p7", PASSWORD, "10.6.6.6", None).await),
        60
    );
    // The owner, on the known device, is not held up — on another instance too; the token stays.
    let db2 = env.open_another().await;
    match attempt(&db2, "bithu.p7", PASSWORD, "10.0.0.1", Some(&device)).await {
        LoginOutcome::Ok { device: kept, .. } => assert_eq!(kept, device),
        other => panic!("known device refused: {other:?}"),
    }
    // … and that success did not clear the attacker's streak.
    assert_eq!(
        retry_after(&attempt(db, "bithu.p7", PASSWORD, "10.6.6.6", None).await),
        60
    );
    // A forged token, or the token of another account, is an unknown device.
    let forged = "ab".repeat(32);
    assert!(matches!(
        attempt(db, "bithu.p7", PASSWORD, "10.0.0.1", Some(&forged)).await,
        LoginOutcome::Throttled { .. }
    ));
    for _ in 0..5 {
        assert_eq!(
            login_is(db, "bithu.p8", "sai-matkhau-1", "10.6.6.7").await,
            "invalid"
        );
    }
    assert!(matches!(
        attempt(db, "bithu.p8", PASSWORD, "10.0.0.1", Some(&device)).await,
        LoginOutcome::Throttled { .. }
    ));
    // The wait doubles with every further failure: 1, 2, 4 minutes …
    env.clock.advance(Duration::seconds(60));
    assert_eq!(
        login_is(db, "bithu.p7", "sai-matkhau-1", "10.6.6.6").await,
        "invalid"
    );
    assert_eq!(
        retry_after(&attempt(db, "bithu.p7", PASSWORD, "10.6.6.6", None).await),
        120
    );
    env.clock.advance(Duration::seconds(60));
    assert_eq!(
        retry_after(&attempt(db, "bithu.p7", PASSWORD, "10.6.6.6", None).await),
        60
    );
    env.clock.advance(Duration::seconds(60));
    assert_eq!(
        login_is(db, "bithu.p7", "sai-matkhau-1", "10.6.6.6").await,
        "invalid"
    );
    assert_eq!(
        retry_after(&attempt(db, "bithu.p7", PASSWORD, "10.6.6.6", None).await),
        240
    );
    // Refused attempts do not push the wait further.
    for _ in 0..20 {
        attempt(db, "bithu.p7", "sai-matkhau-1", "10.6.6.6", None).await;
    }
    env.clock.advance(Duration::seconds(200));
    assert_eq!(
        retry_after(&attempt(db, "bithu.p7", PASSWORD, "10.0.0.9", None).await),
        40
    );
    // The owner's own typing mistakes on the device count against the device only.
    for _ in 0..5 {
        assert!(matches!(
            attempt(db, "bithu.p7", "sai-matkhau-1", "10.0.0.1", Some(&device)).await,
            LoginOutcome::Invalid
        ));
    }
    assert_eq!(
        retry_after(&attempt(db, "bithu.p7", PASSWORD, "10.0.0.1", Some(&device)).await),
        60
    );
    // After the wait the owner gets in from a new device as well, which gets a token of its own; the
    // success clears the account's streak.
    env.clock.advance(Duration::seconds(60));
    let new_device = match attempt(db, "bithu.p7", PASSWORD, "10.0.0.2", None).await {
        LoginOutcome::Ok { device: d, .. } => d,
        other => panic!("owner after the wait: {other:?}"),
    };
    assert_ne!(new_device, device);
    for _ in 0..4 {
        assert_eq!(
            login_is(db, "bithu.p7", "sai-matkhau-1", "10.0.0.3").await,
            "invalid"
        );
    }
    login_ok(db, "bithu.p7", PASSWORD, "10.0.0.3").await;
    // The known device's own streak waited its minute too.
    assert!(matches!(
        attempt(db, "bithu.p7", PASSWORD, "10.0.0.1", Some(&device)).await,
        LoginOutcome::Ok { .. }
    ));
    // Twenty devices are remembered per account, the most recently used: a client that never keeps
    // its token does not grow the table, and the newest device always counts.
    let mut newest = String::new();
    for _ in 0..20 {
        env.clock.advance(Duration::seconds(1));
        newest = match attempt(db, "bithu.p7", PASSWORD, "10.0.0.4", None).await {
            LoginOutcome::Ok { device, .. } => device,
            other => panic!("{other:?}"),
        };
    }
    for _ in 0..5 {
        assert_eq!(
            login_is(db, "bithu.p7", "sai-matkhau-1", "10.6.6.8").await,
            "invalid"
        );
    }
    assert!(matches!(
        attempt(db, "bithu.p7", PASSWORD, "10.0.0.2", Some(&new_device)).await,
        LoginOutcome::Throttled { .. }
    ));
    assert!(matches!(
        attempt(db, "bithu.p7", PASSWORD, "10.0.0.4", Some(&newest)).await,
        LoginOutcome::Ok { .. }
    ));
    db2.close().await;
}
on_every_backend!(env: login_delays_grow_and_known_devices_pass);

pub async fn address_throttle_counts_failures_only(env: &Env) {
    let db = &env.db;
    tree(db).await;
    db.accounts()
        .create_account(
            &cli(),
            None,
            &new_account("bithu.p7", Role::Secretary, "P7"),
        )
        .await
        .unwrap();
    let device = match attempt(db, "bithu.p7", PASSWORD, "10.0.0.1", None).await {
        LoginOutcome::Ok { device, .. } => device,
        other => panic!("{other:?}"),
    };
    let db2 = env.open_another().await;
    // One address tries twenty accounts (existing or not — the same answer), across two instances.
    for i in 0..20 {
        let on = if i % 2 == 0 { db } else { &db2 };
        assert_eq!(
            login_is(on, &format!("khongco{i}"), PASSWORD, "10.5.5.5").await,
            "invalid"
        );
    }
    // Then even a right password from that address waits a minute, unchecked …
    let checks = db.accounts().password_checks();
    assert_eq!(
        retry_after(&attempt(db, "bithu.p7", PASSWORD, "10.5.5.5", None).await),
        60
    );
    assert_eq!(db.accounts().password_checks(), checks);
    // … while other addresses, and known devices behind that address, are not held up.
    login_ok(&db2, "bithu.p7", PASSWORD, "10.5.5.6").await;
    assert!(matches!(
        attempt(db, "bithu.p7", PASSWORD, "10.5.5.5", Some(&device)).await,
        LoginOutcome::Ok { .. }
    ));
    // Successes do not count against an address (an office behind one NAT signs in all day).
    for i in 0..19 {
        assert_eq!(
            login_is(db, &format!("khongco{i}"), PASSWORD, "10.4.4.4").await,
            "invalid"
        );
    }
    for _ in 0..10 {
        login_ok(db, "bithu.p7", PASSWORD, "10.4.4.4").await;
    }
    assert_eq!(
        login_is(db, "khongco99", PASSWORD, "10.4.4.4").await,
        "invalid"
    );
    assert_eq!(
        login_is(db, "bithu.p7", PASSWORD, "10.4.4.4").await,
        "throttled"
    );
    // The address's streak is forgotten an hour after its last counted attempt.
    env.clock.advance(Duration::minutes(61));
    login_ok(db, "bithu.p7", PASSWORD, "10.4.4.4").await;
    db2.close().await;
}
on_every_backend!(env: address_throttle_counts_failures_only);

pub async fn password_rule_on_every_store_path(env: &Env) {
    let db = &env.db;
    tree(db).await;
    let admin = db
        .accounts()
        .create_account(&cli(), None, &new_account("quantri", Role::Admin, "TU"))
        .await
        .unwrap();
    let admin_p = admin.principal();
    let refusal = |r: Result<(), StoreError>| match r {
        Err(StoreError::Invalid(list)) => list[0].message.clone(),
        other => panic!("expected Invalid, got {other:?}"),
    };
    for (user, pw, says) in [
        ("webuser", "webuser123", "tên đăng nhập"),
        ("bithu.p7", "password12", "phổ biến"),
        ("bithu.p7", "aaaaaaaaa1", "phổ biến"),
        ("bithu.p7", "BiThu.P7-2026", "tên đăng nhập"),
        ("bithu.p7", "ngan2026", "10 ký tự"),
    ] {
        let mut new = new_account(user, Role::Secretary, "P7");
        new.password = pw.into();
        match db
            .accounts()
            .create_account(&cli(), Some(&admin_p), &new)
            .await
        {
            Err(StoreError::Invalid(list)) => {
                assert_eq!(list[0].field, "password");
                assert!(list[0].message.contains(says), "{pw}: {}", list[0].message);
            }
            other => panic!("{pw} accepted: {other:?}"),
        }
    }
    let sec = db
        .accounts()
        .create_account(
            &cli(),
            Some(&admin_p),
            &new_account("bithu.p7", Role::Secretary, "P7"),
        )
        .await
        .unwrap();
    let me = Actor::user(&sec.principal(), "web");
    assert!(refusal(
        db.accounts()
            .reset_password(&cli(), &admin_p, sec.id, "password12")
            .await
    )
    .contains("phổ biến"));
    assert!(refusal(
        db.accounts()
            .set_password(&cli(), sec.id, "bithu.p7-moi", None)
            .await
    )
    .contains("tên đăng nhập"));
    assert!(refusal(
        db.accounts()
            .change_password(&me, sec.id, PASSWORD, "aaaaaaaaa1", None)
            .await
    )
    .contains("phổ biến"));
    db.accounts()
        .change_password(&me, sec.id, PASSWORD, "ca phe sang o ben tre", None)
        .await
        .expect("a pass phrase is welcome");
    login_ok(db, "bithu.p7", "ca phe sang o ben tre", "10.0.0.1").await;
    // Guessing the current password from a borrowed session meets the same throttle — but on a key of
    // its own, so an attack on the login form does not stop the owner from changing it.
    for _ in 0..5 {
        assert!(refusal(
            db.accounts()
                .change_password(&me, sec.id, "sai-matkhau-1", "matkhaumoi2027", None)
                .await
        )
        .contains("không đúng"));
    }
    assert!(refusal(
        db.accounts()
            .change_password(&me, sec.id, "ca phe sang o ben tre", "matkhaumoi2027", None)
            .await
    )
    .contains("Hãy thử lại sau 1 phút"));
    login_ok(db, "bithu.p7", "ca phe sang o ben tre", "10.0.0.1").await;
}
on_every_backend!(env: password_rule_on_every_store_path);

pub async fn checkin_guesses_are_counted_before_the_code_is_compared(env: &Env) {
    use domain::attendance::{CheckinError, MeetingKind};
    use store::{CheckinFailure, MeetingInput};
    let db = &env.db;
    let t = tree(db).await;
    let admin = t.admin();
    let a = add_member(db, &admin, person("Trần Văn Đoán", "710001"), &t.cell_a1).await;
    let b = add_member(db, &admin, person("Lê Thị Ngay", "710002"), &t.cell_a1).await;
    let mut input = MeetingInput::new(MeetingKind::Study, "P7-KP1", today(), "Học tập chuyên đề");
    input.starts_at = "09:30".into();
    let s = db
        .attendance()
        .create_meeting(&cli(), None, input)
        .await
        .unwrap();
    let now = db.now();
    let s = db
        .attendance()
        .open_checkin(
            &cli(),
            &admin,
            s.id,
            now - Duration::minutes(5),
            now + Duration::hours(2),
        )
        .await
        .unwrap();
    let code = s.checkin.unwrap().code;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let guesser = principal(Role::Member, &t.cell_a1, Some(a));
    // Twenty wrong codes at once: five are compared, the rest stopped.
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (db, p) = (db.clone(), guesser.clone());
        tasks.spawn(async move {
            db.attendance()
                .check_in(&cli(), &p, s.id, wrong, None)
                .await
                .err()
        });
    }
    let (mut wrong_codes, mut stopped) = (0, 0);
    while let Some(r) = tasks.join_next().await {
        match r.unwrap() {
            Some(CheckinFailure::Refused(CheckinError::WrongCode)) => wrong_codes += 1,
            Some(CheckinFailure::Refused(CheckinError::TooManyAttempts)) => stopped += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((wrong_codes, stopped), (5, 15));
    // The right code is then refused too, until a quarter of an hour has passed.
    assert!(matches!(
        db.attendance()
            .check_in(&cli(), &guesser, s.id, &code, None)
            .await,
        Err(CheckinFailure::Refused(CheckinError::TooManyAttempts))
    ));
    env.clock.advance(Duration::minutes(15));
    assert!(db
        .attendance()
        .check_in(&cli(), &guesser, s.id, &code, None)
        .await
        .is_ok());
    // Refusals that are not wrong codes give their count back: a member who checked in and tries again
    // ten times is told "already" every time, never "too many".
    let other = principal(Role::Member, &t.cell_a1, Some(b));
    let other = domain::policy::Principal {
        user_id: other.user_id + 1,
        ..other
    };
    assert!(db
        .attendance()
        .check_in(&cli(), &other, s.id, &code, None)
        .await
        .is_ok());
    for _ in 0..10 {
        assert!(matches!(
            db.attendance()
                .check_in(&cli(), &other, s.id, &code, None)
                .await,
            Err(CheckinFailure::Refused(CheckinError::AlreadyMarked(_)))
        ));
    }
    // Typing a code without the session is a guess against every session: counted the same way, per
    // account; a code that finds its session is free.
    let finder = domain::policy::Principal {
        user_id: guesser.user_id + 7,
        ..guesser.clone()
    };
    for _ in 0..10 {
        assert_eq!(
            db.attendance().find_checkin(&finder, &code).await.unwrap(),
            Some(s.id)
        );
    }
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (db, p) = (db.clone(), finder.clone());
        tasks.spawn(async move { db.attendance().find_checkin(&p, wrong).await });
    }
    let (mut not_found, mut stopped) = (0, 0);
    while let Some(r) = tasks.join_next().await {
        match r.unwrap() {
            Ok(None) => not_found += 1,
            Err(CheckinFailure::Refused(CheckinError::TooManyAttempts)) => stopped += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((not_found, stopped), (5, 15));
    assert!(matches!(
        db.attendance().find_checkin(&finder, &code).await,
        Err(CheckinFailure::Refused(CheckinError::TooManyAttempts))
    ));
}
on_every_backend!(env: checkin_guesses_are_counted_before_the_code_is_compared);

pub async fn a_throttled_address_cannot_rearm_an_account_delay(env: &Env) {
    let db = &env.db;
    tree(db).await;
    db.accounts()
        .create_account(
            &cli(),
            None,
            &new_account("bithu.p7", Role::Secretary, "P7"),
        )
        .await
        .unwrap();
    // Five wrong passwords from scattered addresses: the account waits a minute.
    for i in 0..5 {
        assert_eq!(
            login_is(db, "bithu.p7", "sai-matkhau-1", &format!("10.7.0.{i}")).await,
            "invalid"
        );
    }
    env.clock.advance(Duration::seconds(60));
    // An attacker's own address is throttled (twenty failures on names that do not exist).
    for i in 0..20 {
        assert_eq!(
            login_is(db, &format!("khongco{i}"), PASSWORD, "10.9.9.9").await,
            "invalid"
        );
    }
    // The account's minute is over. The attacker keeps trying the account from the throttled
    // address: each attempt is refused there, and none of them pushes the account's delay further.
    for _ in 0..10 {
        assert_eq!(
            login_is(db, "bithu.p7", "sai-matkhau-1", "10.9.9.9").await,
            "throttled"
        );
    }
    // So the owner, from a new device and another address, signs in at once.
    let checks = db.accounts().password_checks();
    login_ok(db, "bithu.p7", PASSWORD, "10.0.0.1").await;
    assert_eq!(db.accounts().password_checks(), checks + 1);
}
on_every_backend!(env: a_throttled_address_cannot_rearm_an_account_delay);

pub async fn a_success_takes_back_the_delay_it_armed_on_the_address(env: &Env) {
    let db = &env.db;
    tree(db).await;
    db.accounts()
        .create_account(
            &cli(),
            None,
            &new_account("bithu.p7", Role::Secretary, "P7"),
        )
        .await
        .unwrap();
    // Twenty failures behind one office address: the address waits a minute.
    for i in 0..20 {
        assert_eq!(
            login_is(db, &format!("khongco{i}"), PASSWORD, "10.4.4.4").await,
            "invalid"
        );
    }
    env.clock.advance(Duration::seconds(60));
    // A colleague then signs in right: that success is not a failure of the address, so the next
    // person behind the same address is admitted at once (not after a doubled wait).
    login_ok(db, "bithu.p7", PASSWORD, "10.4.4.4").await;
    assert_eq!(
        login_is(db, "khongco99", PASSWORD, "10.4.4.4").await,
        "invalid"
    );
    // That failure was counted: the address waits again.
    assert_eq!(
        login_is(db, "bithu.p7", PASSWORD, "10.4.4.4").await,
        "throttled"
    );
}
on_every_backend!(env: a_success_takes_back_the_delay_it_armed_on_the_address);

pub async fn impossible_user_names_leave_no_rows(env: &Env) {
    let db = &env.db;
    tree(db).await;
    let mut raw = env.raw().await;
    let before = count(
        &mut raw,
        "SELECT COUNT(*) FROM login_attempts WHERE key LIKE 'u:%'",
    )
    .await;
    let checks = db.accounts().password_checks();
    // A thousand distinct names no account can have (spaces, symbols, far too long), each from its
    // own address so that no address throttle stops them.
    for i in 0..1000 {
        let name = match i % 3 {
            0 => format!("khong co {i}"),
            1 => format!("x{}{i}", "y".repeat(60)),
            _ => format!("ai@{i}"),
        };
        let address = format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256);
        assert_eq!(login_is(db, &name, PASSWORD, &address).await, "invalid");
    }
    let after = count(
        &mut raw,
        "SELECT COUNT(*) FROM login_attempts WHERE key LIKE 'u:%'",
    )
    .await;
    assert_eq!(after, before);
    // They cost no password check either.
    assert_eq!(db.accounts().password_checks(), checks);
    // An impossible name still counts against the address.
    for i in 0..20 {
        assert_eq!(
            login_is(db, &format!("khong co {i}"), PASSWORD, "10.3.3.3").await,
            "invalid"
        );
    }
    assert_eq!(
        login_is(db, "khong co nua", PASSWORD, "10.3.3.3").await,
        "throttled"
    );
}
on_every_backend!(env: impossible_user_names_leave_no_rows);

pub async fn one_ipv6_network_is_one_address(env: &Env) {
    let db = &env.db;
    tree(db).await;
    db.accounts()
        .create_account(
            &cli(),
            None,
            &new_account("bithu.p7", Role::Secretary, "P7"),
        )
        .await
        .unwrap();
    // Twenty failures from twenty addresses of one /64 (what one phone or household holds) …
    for i in 0..20 {
        assert_eq!(
            login_is(
                db,
                &format!("khongco{i}"),
                PASSWORD,
                &format!("2001:db8:1:2::{:x}", i + 1)
            )
            .await,
            "invalid"
        );
    }
    // … throttle the whole /64, not the next network.
    assert_eq!(
        login_is(db, "bithu.p7", PASSWORD, "2001:db8:1:2:ffff::1").await,
        "throttled"
    );
    login_ok(db, "bithu.p7", PASSWORD, "2001:db8:1:3::1").await;
}
on_every_backend!(env: one_ipv6_network_is_one_address);

pub async fn a_wrong_checkin_code_tests_other_sessions_only_within_the_budget(env: &Env) {
    use domain::attendance::{CheckinError, MeetingKind};
    use store::{CheckinFailure, MeetingInput};
    let db = &env.db;
    let t = tree(db).await;
    let admin = t.admin();
    let a = add_member(db, &admin, person("Trần Văn Đoán", "710001"), &t.cell_a1).await;
    let now = db.now();
    let mut sessions = Vec::new();
    for title in ["Học tập chuyên đề", "Sinh hoạt chi bộ", "Họp tổ"] {
        let mut input = MeetingInput::new(MeetingKind::Study, "P7-KP1", today(), title);
        input.starts_at = "09:30".into();
        let s = db
            .attendance()
            .create_meeting(&cli(), None, input)
            .await
            .unwrap();
        let s = db
            .attendance()
            .open_checkin(
                &cli(),
                &admin,
                s.id,
                now - Duration::minutes(5),
                now + Duration::hours(2),
            )
            .await
            .unwrap();
        let code = s.checkin.clone().unwrap().code;
        sessions.push((s.id, code));
    }
    let codes: Vec<&str> = sessions.iter().map(|(_, c)| c.as_str()).collect();
    let wrong: Vec<String> = (0..100)
        .map(|i| format!("{i:06}"))
        .filter(|c| !codes.contains(&c.as_str()))
        .take(5)
        .collect();
    let ((first, _), (_, second_code), (third, _)) = (&sessions[0], &sessions[1], &sessions[2]);
    let p = principal(Role::Member, &t.cell_a1, Some(a));
    // The code of another open session is recognised and said so.
    assert!(matches!(
        db.attendance()
            .check_in(&cli(), &p, *third, second_code, None)
            .await,
        Err(CheckinFailure::Refused(CheckinError::OtherSession))
    ));
    // Five wrong codes at the first session were also compared with the other sessions' codes, so
    // they spend the member's budget for that comparison too …
    for w in &wrong {
        assert!(matches!(
            db.attendance().check_in(&cli(), &p, *first, w, None).await,
            Err(CheckinFailure::Refused(CheckinError::WrongCode))
        ));
    }
    // … and a further guess at the third session is compared with its own code only: no hint.
    assert!(matches!(
        db.attendance()
            .check_in(&cli(), &p, *third, second_code, None)
            .await,
        Err(CheckinFailure::Refused(CheckinError::WrongCode))
    ));
    assert!(matches!(
        db.attendance().find_checkin(&p, second_code).await,
        Err(CheckinFailure::Refused(CheckinError::TooManyAttempts))
    ));
}
on_every_backend!(env: a_wrong_checkin_code_tests_other_sessions_only_within_the_budget);
