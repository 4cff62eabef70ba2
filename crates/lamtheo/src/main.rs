//! `lamtheo`: the one binary. Serves the web application and runs the clerk's command-line tasks.
#![forbid(unsafe_code)]

mod bench;
mod cli;
mod demo_feedback;
mod demo_load;
mod demo_load_recognition;
mod demo_load_reports;
mod demo_models;
mod import_criteria;
mod report;

use anyhow::{bail, Context, Result};
use clap::{CommandFactory, FromArgMatches};
use cli::{BenchWhat, Cli, Command, ExportWhat, ImportWhat, UserCmd};
use domain::{Role, SystemClock};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use store::{Actor, Db, ImportOutcome, NewAccount};

fn main() -> ExitCode {
    let matches = cli::localized(Cli::command()).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    if let Err(e) = init_logging(&cli.log_format) {
        eprintln!("Lỗi: {e:#}");
        return ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("Lỗi: không khởi động được: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Lỗi: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Log lines go to stderr as text or JSON (`--log-format`), filtered by `LAMTHEO_LOG`. Beside them a layer
/// with its own filter counts each request's database statements (`web::trace`), so they need not be
/// printed to be counted.
fn init_logging(format: &str) -> Result<()> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    let filter = tracing_subscriber::EnvFilter::try_from_env("LAMTHEO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let output = match format {
        "text" => tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .boxed(),
        "json" => tracing_subscriber::fmt::layer()
            .json()
            .with_writer(std::io::stderr)
            .boxed(),
        other => bail!("--log-format \"{other}\": dùng text hoặc json"),
    };
    tracing_subscriber::registry()
        .with(output.with_filter(filter))
        .with(web::trace::db_timing_layer())
        .try_init()
        .context("không cài được bộ ghi nhật ký")?;
    Ok(())
}

/// The database URL: the flag / environment, else SQLite in the data directory (created if missing).
fn database_url(url: Option<&str>, data_dir: &Path) -> Result<String> {
    if let Some(u) = url.filter(|u| !u.is_empty()) {
        return Ok(u.to_string());
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("không tạo được thư mục dữ liệu {}", data_dir.display()))?;
    Ok(store::sqlite_url_for_dir(data_dir))
}

async fn open_db(cli: &Cli) -> Result<Db> {
    let url = database_url(cli.database_url.as_deref(), &cli.data_dir)?;
    let disclosure = domain::registration::Disclosure::parse(&cli.disclose).with_context(|| {
        format!(
            "--disclose \"{}\": dùng heads-and-key-cadres, heads hoặc all",
            cli.disclose
        )
    })?;
    let db = Db::open(&url, Arc::new(SystemClock))
        .await
        .with_context(|| "không mở được cơ sở dữ liệu".to_string())?
        .with_disclosure(disclosure)
        .with_answer_days(cli.feedback_days)
        .with_key_cadres(domain::position::KeyCadres::parse(&cli.key_cadre_titles));
    // The stored key-cadre flags follow the list in force (an extension added or withdrawn); recomputed only
    // when the list changed since the last start.
    db.refresh_key_cadres()
        .await
        .with_context(|| "không cập nhật được danh sách cán bộ chủ chốt".to_string())?;
    Ok(db)
}

async fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Serve(args) => {
            let db = open_db(&cli).await?;
            if args.demo && db.is_empty().await? {
                println!("Đang nạp dữ liệu mẫu (thành phố Bến Tre)…");
                demo_load::load(&db, demo::Scale::City, 2020, true).await?;
            }
            ensure_admin(&db).await?;
            let secs = |what: &str, n: u64| {
                if n == 0 {
                    bail!("{what} phải lớn hơn 0 giây");
                }
                Ok(std::time::Duration::from_secs(n))
            };
            let defaults = web::WebConfig::default();
            let config = web::WebConfig {
                secure_cookies: args.secure_cookies,
                trust_proxy: args.trust_proxy,
                public_url: cli.public_url.clone(),
                support_contact: args.support_contact.trim().to_string(),
                espeak: cli.espeak.clone(),
                request_timeout: secs("--request-timeout", args.request_timeout)?,
                long_request_timeout: secs("--long-request-timeout", args.long_request_timeout)?,
                body_idle_timeout: secs("--body-idle-timeout", args.body_idle_timeout)?,
                heavy_per_user: args.max_heavy_per_user.max(1),
                heavy_global: if args.max_heavy == 0 {
                    defaults.heavy_global
                } else {
                    args.max_heavy
                },
                slow_request: std::time::Duration::from_millis(args.slow_request_ms),
                ..defaults
            };
            let options = web::limits::ServeOptions {
                max_connections: web::limits::effective_max_connections(
                    args.max_connections,
                    web::limits::raise_open_files_limit(),
                ),
                // Behind a trusted proxy every client comes from the proxy's address: no cap unless asked.
                max_connections_per_address: match args.max_connections_per_address {
                    Some(0) => None,
                    Some(n) => Some(n),
                    None if args.trust_proxy => None,
                    None => Some(64),
                },
                header_timeout: secs("--header-timeout", args.header_timeout)?,
                shutdown_grace: std::time::Duration::from_secs(30),
            };
            if options.max_connections < args.max_connections {
                tracing::warn!(
                    requested = args.max_connections,
                    used = options.max_connections,
                    "connection limit lowered to fit the open-files limit"
                );
            }
            let app = web::router(db.clone(), config);
            let listener = tokio::net::TcpListener::bind(&args.listen)
                .await
                .with_context(|| format!("không mở được cổng {}", args.listen))?;
            let addr = listener.local_addr()?;
            println!(
                "Máy chủ lamtheo đang chạy tại http://{addr}/ (cơ sở dữ liệu: {})",
                db.backend().as_str()
            );
            tracing::info!(
                %addr,
                backend = db.backend().as_str(),
                max_connections = options.max_connections,
                "serving"
            );
            web::limits::serve(listener, app, options, shutdown()).await?;
            db.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let db = open_db(&cli).await?;
            println!(
                "Đã nâng cấp cơ sở dữ liệu ({}) lên phiên bản {}.",
                db.backend().as_str(),
                db.schema_version().await?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::User { cmd } => {
            let db = open_db(&cli).await?;
            match cmd {
                UserCmd::Add {
                    username,
                    role,
                    unit,
                    member_card,
                    name,
                } => {
                    let role = Role::parse(role).with_context(|| format!("vai trò \"{role}\" không có; dùng admin, office, secretary, inspector hoặc member"))?;
                    let password = password_from_env_or_prompt()?;
                    let member_id = match member_card {
                        Some(card) => Some(
                            db.members()
                                .member_id_by_card(card)
                                .await?
                                .with_context(|| format!("không có đảng viên số thẻ {card}"))?,
                        ),
                        None => None,
                    };
                    let new = NewAccount {
                        username: username.clone(),
                        password,
                        role,
                        unit_code: unit.clone(),
                        member_id,
                        display_name: name.clone().unwrap_or_default(),
                    };
                    match db
                        .accounts()
                        .create_account(&Actor::system("cli"), None, &new)
                        .await
                    {
                        Ok(a) => {
                            println!(
                                "Đã tạo tài khoản {} ({}) với phạm vi {} – {}.",
                                a.username,
                                a.role.label(),
                                a.unit_code,
                                a.unit_name
                            );
                            Ok(ExitCode::SUCCESS)
                        }
                        Err(store::StoreError::Invalid(errs)) => {
                            for e in errs {
                                eprintln!("Lỗi ({}): {}", e.field, e.message);
                            }
                            Ok(ExitCode::FAILURE)
                        }
                        Err(e) => Err(e.into()),
                    }
                }
                UserCmd::Passwd { username } => {
                    let account = db
                        .accounts()
                        .account_by_username(username)
                        .await?
                        .with_context(|| format!("không có tài khoản \"{username}\""))?;
                    let password = password_from_env_or_prompt()?;
                    if let Err(e) = domain::password::check(&password, &account.username) {
                        bail!("{e}");
                    }
                    db.accounts()
                        .set_password(&Actor::system("cli"), account.id, &password, None)
                        .await?;
                    println!(
                        "Đã đặt lại mật khẩu cho {}; các phiên đăng nhập cũ đã bị hủy.",
                        account.username
                    );
                    Ok(ExitCode::SUCCESS)
                }
                UserCmd::List => {
                    println!(
                        "{:<24} {:<10} {:<14} {:<8} Đơn vị",
                        "Tên đăng nhập", "Vai trò", "Mã đơn vị", "Khóa"
                    );
                    for a in db.accounts().list_accounts(None).await? {
                        println!(
                            "{:<24} {:<10} {:<14} {:<8} {}",
                            a.username,
                            a.role.as_str(),
                            a.unit_code,
                            if a.active { "" } else { "đã khóa" },
                            a.unit_name
                        );
                    }
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
        Command::Import { what } => {
            let db = open_db(&cli).await?;
            let (file, dry_run, kind) = match what {
                ImportWhat::Units { file, dry_run } => (file, *dry_run, "units"),
                ImportWhat::Members { file, dry_run } => (file, *dry_run, "members"),
                ImportWhat::Inspections { file, dry_run } => (file, *dry_run, "inspections"),
                ImportWhat::Criteria(args) => return import_criteria::run(&db, args).await,
            };
            let bytes = std::fs::read(file)
                .with_context(|| format!("không đọc được tệp {}", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let actor = Actor::system("cli");
            let started = std::time::Instant::now();
            let outcome = if kind == "units" {
                let parsed = office::parse_units(&name, &bytes)?;
                db.imports()
                    .import_units(&actor, None, parsed, dry_run)
                    .await?
            } else if kind == "inspections" {
                let parsed = office::parse_inspections(&bytes, &name)?;
                db.inspections()
                    .import_inspections(&actor, None, parsed, dry_run)
                    .await?
            } else {
                let parsed = office::parse_members(&name, &bytes, db.today())?;
                db.imports()
                    .import_members(&actor, None, parsed, dry_run)
                    .await?
            };
            match outcome {
                ImportOutcome::Done(r) if kind == "inspections" => {
                    println!(
                        "{} {} dòng: {} cuộc kiểm tra, giám sát ({:.2} giây).",
                        if r.dry_run {
                            "Kiểm tra xong (chưa ghi gì):"
                        } else {
                            "Đã nhập"
                        },
                        r.rows,
                        r.created,
                        started.elapsed().as_secs_f64()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                ImportOutcome::Done(r) => {
                    println!(
                        "{} {} dòng: thêm mới {}, cập nhật {}, không đổi {} ({:.2} giây).",
                        if r.dry_run {
                            "Kiểm tra xong (chưa ghi gì):"
                        } else {
                            "Đã nhập"
                        },
                        r.rows,
                        r.created,
                        r.updated,
                        r.unchanged,
                        started.elapsed().as_secs_f64()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                ImportOutcome::Rejected(errors) => {
                    eprintln!("Không nhập dòng nào: tệp có {} lỗi.", errors.len());
                    for e in &errors {
                        eprintln!("{e}");
                    }
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::Export { what } => {
            let db = open_db(&cli).await?;
            let ExportWhat::Members {
                unit,
                format,
                output,
            } = what;
            let unit = match unit {
                Some(code) => db
                    .units()
                    .unit_by_code_unscoped(code)
                    .await?
                    .with_context(|| format!("không có đơn vị mã {code}"))?,
                None => db
                    .units()
                    .root_units()
                    .await?
                    .into_iter()
                    .next()
                    .context("cơ sở dữ liệu chưa có đơn vị nào")?,
            };
            let principal = domain::policy::Principal {
                user_id: 0,
                username: "cli".into(),
                role: Role::Admin,
                unit_id: unit.id,
                unit_path: unit.path.clone(),
                member_id: None,
            };
            let members = db
                .members()
                .members_for_export(&principal, Some(&unit.path))
                .await?;
            let rows = office::member_rows(&members);
            let bytes = match format.as_str() {
                "csv" => office::members_csv(&rows),
                "xlsx" => office::members_xlsx(&rows)?,
                other => bail!("định dạng \"{other}\" không có; dùng csv hoặc xlsx"),
            };
            std::fs::write(output, bytes)
                .with_context(|| format!("không ghi được {}", output.display()))?;
            println!(
                "Đã xuất {} đảng viên của {} vào {}.",
                rows.len(),
                unit.name,
                output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { what } => {
            let db = open_db(&cli).await?;
            match what {
                BenchWhat::Import { rows, format } => bench::import(&db, *rows, format).await?,
                BenchWhat::Queries { samples } => bench::queries(&db, *samples).await?,
                BenchWhat::Attendance { samples, year } => {
                    bench::attendance(&db, *samples, *year).await?
                }
                BenchWhat::Registrations { samples, year } => {
                    bench::registrations(&db, *samples, *year).await?
                }
                BenchWhat::Report { samples, year } => bench::report(&db, *samples, *year).await?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bulletin {
            unit,
            from,
            to,
            audio,
            docx,
        } => {
            let parse = |s: &str, what: &str| {
                domain::text::parse_date(s).with_context(|| {
                    format!("{what} \"{s}\" không hợp lệ (dd/mm/yyyy hoặc yyyy-mm-dd)")
                })
            };
            let (from, to) = (parse(from, "--from")?, parse(to, "--to")?);
            if from > to {
                bail!("--from không được sau --to");
            }
            let db = open_db(&cli).await?;
            let base = if cli.public_url.is_empty() {
                "http://127.0.0.1:8080".to_string()
            } else {
                cli.public_url.trim_end_matches('/').to_string()
            };
            let input = db
                .portal()
                .bulletin_input(unit, from, to, &format!("{base}/cong-khai/don-vi/{unit}"))
                .await
                .map_err(|e| match e {
                    store::StoreError::NotFound => anyhow::anyhow!(
                        "không có đơn vị \"{unit}\" trên Cổng thông tin công khai (cần mã của một đảng bộ hoặc chi bộ cơ sở đang hoạt động)"
                    ),
                    other => anyhow::Error::new(other),
                })?;
            let bulletin = domain::bulletin::compose(&input);
            let script = bulletin.spoken();
            println!("{script}");
            if let Some(path) = docx {
                if cli.public_url.is_empty() {
                    eprintln!(
                        "Chưa đặt --public-url (LAMTHEO_PUBLIC_URL): mã QR trong thông báo trỏ tới {base}, \
                         hãy đặt địa chỉ mà người dân dùng để vào máy chủ."
                    );
                }
                let bytes = office::bulletin_docx(&bulletin)?;
                std::fs::write(path, bytes)
                    .with_context(|| format!("không ghi được {}", path.display()))?;
                eprintln!("Đã ghi thông báo Word: {}", path.display());
            }
            if let Some(path) = audio {
                match office::speak_wav(&script, &cli.espeak) {
                    Ok(wav) => {
                        std::fs::write(path, wav)
                            .with_context(|| format!("không ghi được {}", path.display()))?;
                        eprintln!("Đã ghi tệp âm thanh: {}", path.display());
                    }
                    Err(e) => {
                        eprintln!("{e}");
                        if let Some(hint) = e.admin_hint() {
                            eprintln!("{hint}");
                        }
                        return Ok(ExitCode::from(3));
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Report {
            unit,
            from,
            to,
            format,
            output,
        } => {
            let db = open_db(&cli).await?;
            report::run(&db, unit, from, to, format, output).await
        }
        Command::Demo { scale, seed } => {
            let scale = demo::Scale::parse(scale).with_context(|| {
                format!("quy mô \"{scale}\" không có; dùng city, province hoặc national")
            })?;
            let db = open_db(&cli).await?;
            if !db.is_empty().await? {
                bail!("cơ sở dữ liệu đã có dữ liệu; dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống (dùng --data-dir hoặc --database-url khác)");
            }
            demo_load::load(&db, scale, *seed, true).await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A password from LAMTHEO_PASSWORD, else asked twice on the terminal.
fn password_from_env_or_prompt() -> Result<String> {
    if let Ok(p) = std::env::var("LAMTHEO_PASSWORD") {
        if !p.is_empty() {
            return Ok(p);
        }
    }
    let p1 = rpassword::prompt_password("Mật khẩu: ")?;
    let p2 = rpassword::prompt_password("Nhập lại mật khẩu: ")?;
    if p1 != p2 {
        bail!("hai lần nhập mật khẩu không khớp");
    }
    Ok(p1)
}

/// On an empty account table, creates `admin` over the root unit (creating a root unit if there is none),
/// with the password from LAMTHEO_ADMIN_PASSWORD or a random one printed once.
async fn ensure_admin(db: &Db) -> Result<()> {
    if db.accounts().account_count().await? > 0 {
        return Ok(());
    }
    let root = match db.units().root_units().await?.into_iter().next() {
        Some(u) => u,
        None => {
            let input = store::UnitInput {
                code: "ROOT".into(),
                name: "Đảng bộ".into(),
                unit_type: domain::UnitType::PartyCommittee,
                parent_code: None,
                sort_order: 0,
                valid_from: None,
            };
            db.units()
                .create_unit(&Actor::system("cli"), None, input)
                .await?
        }
    };
    let (password, printed) = match std::env::var("LAMTHEO_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => (p, false),
        _ => (store::random_password(), true),
    };
    let new = NewAccount {
        username: "admin".into(),
        password: password.clone(),
        role: Role::Admin,
        unit_code: root.code.clone(),
        member_id: None,
        display_name: "Quản trị hệ thống".into(),
    };
    match db
        .accounts()
        .create_account(&Actor::system("cli"), None, &new)
        .await
    {
        Ok(_) => {}
        Err(store::StoreError::Invalid(e)) => bail!(
            "không tạo được tài khoản admin: {}",
            e.iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        Err(e) => return Err(e.into()),
    }
    if printed {
        println!("Đã tạo tài khoản quản trị: tên đăng nhập admin, mật khẩu {password}");
        println!("(Mật khẩu chỉ in một lần; hãy đổi sau khi đăng nhập.)");
    } else {
        println!("Đã tạo tài khoản quản trị admin (mật khẩu từ LAMTHEO_ADMIN_PASSWORD).");
    }
    Ok(())
}

/// Ctrl-C, or SIGTERM (systemd, containers): stop accepting and let open requests finish.
async fn shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("shutting down");
}
