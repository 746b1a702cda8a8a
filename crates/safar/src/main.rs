use std::io::BufRead;
use std::process::ExitCode;

use clap::Parser;

use safar::accounts::service::{self, NewStaff};
use safar::cli::{
    AnalyticsCommand, AuditCommand, BackupCommand, CertificateCommand, Cli, Command, ExportCommand,
    ImportCommand, KeysCommand, LogFormat, RetentionCommand, TokenCommand, UserCommand,
};
use safar::platform::access::Actor;
use safar::platform::audit::{self, Verdict};
use safar::platform::clock::Clock;
use safar::platform::crypto::DataKeys;
use safar::platform::data::{backup, copy, export};
use safar::platform::db::Db;
use safar::platform::error::ServiceError;
use safar::platform::i18n::Tr;
use safar::platform::signing::{SigningKeys, Verifiers};
use safar::{demo, server};

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SAFAR_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    match run(cli.command).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("safar: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve(args) => server::serve(args).await.map(|()| ExitCode::SUCCESS),
        Command::Demo(args) => demo::run(args).await.map(|()| ExitCode::SUCCESS),
        Command::Migrate(db) => {
            let db = Db::connect(&db.url()?).await?;
            let applied = db.migrate().await?;
            println!("migrations applied: {applied}");
            Ok(ExitCode::SUCCESS)
        }
        Command::User(cmd) => user(cmd).await,
        Command::Token(TokenCommand::Create { db, email, name }) => {
            let db = connect(&db).await?;
            let token =
                service::create_token(&db, &Clock::default(), &Actor::console(), &email, &name)
                    .await
                    .map_err(explain)?;
            println!("{token}");
            eprintln!("Store this token now: it is shown only once.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Keys(cmd) => keys(cmd).await,
        Command::Certificate(CertificateCommand::Verify {
            token,
            keys,
            data_dir,
            key_args,
        }) => verify_certificate(&token, keys.as_deref(), &key_args.signing_path(&data_dir)),
        Command::Analytics(AnalyticsCommand::Rebuild(db)) => {
            let db = connect(&db).await?;
            let started = std::time::Instant::now();
            let cells =
                safar::analytics::rollup::rebuild(&db, &Actor::console(), &Clock::default())
                    .await?;
            println!(
                "analytics rebuilt: {cells} journey cube cells and every module figure in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(ImportCommand::Journeys { db, keys, file }) => {
            import_journeys(db, keys, file).await
        }
        Command::Backup(cmd) => backup_command(cmd).await,
        Command::Retention(RetentionCommand::Run(db)) => {
            let db = connect(&db).await?;
            for (rule, records) in safar::platform::retention::run(&db, &Clock::default()).await? {
                println!("{rule}: {records}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Export(ExportCommand::All { db, dest }) => {
            let db = Db::connect(&db.url()?).await?;
            let manifest = export::export_all(&db, &dest).await?;
            println!(
                "exported {} tables into {}; see its README.md",
                manifest.tables.len(),
                dest.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::MigrateData { from, to } => {
            let copied = copy::migrate_data(&from, &to, |table, rows| {
                eprintln!("copied {table}: {rows} rows");
            })
            .await?;
            let rows: u64 = copied.values().map(|t| t.rows).sum();
            println!(
                "copied {} tables, {rows} rows; row counts and checksums match; audit chain verified",
                copied.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Verify { db }) => {
            let db = connect(&db).await?;
            match audit::verify(&db).await? {
                Verdict::Intact { entries } => {
                    println!("audit chain intact: {entries} entries");
                    Ok(ExitCode::SUCCESS)
                }
                Verdict::Broken { seq, reason } => {
                    println!("audit chain broken at entry {seq}: {reason}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}

async fn backup_command(cmd: BackupCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        BackupCommand::Create { db, dest } => {
            let url = db.url()?;
            let manifest = backup::create(&Db::connect(&url).await?, &url, &dest).await?;
            let rows: u64 = manifest.tables.values().map(|t| t.rows).sum();
            println!(
                "backup written to {}: {} tables, {rows} rows, schema {}",
                dest.display(),
                manifest.tables.len(),
                manifest.migrations.last().map_or("-", String::as_str)
            );
        }
        BackupCommand::Restore { db, src } => {
            let restored = backup::restore(&src, &db.url()?).await?;
            println!(
                "restored the backup of {}: every table's rows match the manifest; audit chain \
                 intact ({} entries)",
                restored.manifest.created_at, restored.audit_entries
            );
        }
    }
    eprintln!("{}", backup::KEYS_REMINDER);
    Ok(ExitCode::SUCCESS)
}

async fn connect(args: &safar::cli::DbArgs) -> anyhow::Result<Db> {
    let db = Db::connect(&args.url()?).await?;
    db.migrate().await?;
    Ok(db)
}

async fn user(cmd: UserCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        UserCommand::Create {
            db,
            email,
            role,
            scope,
            name,
            password_stdin: _,
        } => {
            let db = connect(&db).await?;
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            let form = NewStaff {
                display_name: name.unwrap_or_else(|| email.clone()),
                email,
                role,
                scope: scope.unwrap_or_default(),
                password,
            };
            let id = service::create_user(&db, &Clock::default(), &Actor::console(), &form)
                .await
                .map_err(explain)?;
            println!("{id}");
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::Disable { db, email } => {
            let db = connect(&db).await?;
            service::disable_user(&db, &Clock::default(), &Actor::console(), &email)
                .await
                .map_err(explain)?;
            println!("disabled {email}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Service errors in plain English for the console.
fn explain(e: ServiceError) -> anyhow::Error {
    let tr = Tr::new(safar::platform::i18n::Locale::En);
    match &e {
        ServiceError::Invalid(_) | ServiceError::Access(_) => {
            let fields: Vec<String> = e
                .fields()
                .iter()
                .map(|f| format!("{}: {}", f.field, tr.t(f.message)))
                .collect();
            anyhow::anyhow!("{}", fields.join("; "))
        }
        ServiceError::NotFound => anyhow::anyhow!("no such user"),
        ServiceError::Conflict(m) => anyhow::anyhow!("{}", tr.t(m)),
        _ => anyhow::anyhow!("{e}"),
    }
}

async fn keys(cmd: KeysCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        KeysCommand::Init { db, keys } => {
            let path = keys.path(&db.data_dir);
            if path.exists() {
                anyhow::bail!(
                    "{} exists already; refusing to overwrite a data key",
                    path.display()
                );
            }
            let signing = keys.signing_path(&db.data_dir);
            if signing.exists() {
                anyhow::bail!(
                    "{} exists already; refusing to overwrite a signing key",
                    signing.display()
                );
            }
            std::fs::create_dir_all(&db.data_dir)?;
            DataKeys::generate().save(&path)?;
            SigningKeys::generate().save(&signing)?;
            println!(
                "created {} and {}: back them up and keep them secret",
                path.display(),
                signing.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        KeysCommand::RotateSigning { db, keys } => {
            let path = keys.signing_path(&db.data_dir);
            let rotated = SigningKeys::load(&path)?.rotated();
            rotated.save(&path)?;
            println!(
                "new signing key {}; older keys stay published. Restart the servers.",
                rotated.active_kid()
            );
            Ok(ExitCode::SUCCESS)
        }
        KeysCommand::Rotate { db, keys } => {
            let path = keys.path(&db.data_dir);
            let rotated = DataKeys::load(&path)?.rotated();
            let database = connect(&db).await?;
            // The file is saved first: every value stays readable whatever happens next.
            rotated.save(&path)?;
            let changed = safar::people::store::reseal_passports(&database, &rotated).await?
                + safar::people::details::reseal_contacts(&database, &rotated).await?;
            println!(
                "new active key {}; re-encrypted {changed} values",
                rotated.active_id()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `safar certificate verify`: the signature against the published keys, no database.
fn verify_certificate(
    token: &str,
    keys: Option<&str>,
    signing_key_file: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    use safar::pdo::{offline, token as certificate_token};
    let key_set = match keys {
        Some(source) => offline::key_set(source)?,
        None => offline::local_key_set(signing_key_file)?,
    };
    match certificate_token::verify(&Verifiers::from_key_set(&key_set), token) {
        Ok(c) => {
            println!("valid signature (key {})", c.kid);
            println!("certificate: {}", c.id);
            println!("holder:      {}", c.name);
            println!("destination: {}", c.dest);
            println!("curriculum:  {}", c.curriculum);
            println!("dates:       {} – {}", c.from, c.to);
            println!("issued:      {}", c.issued);
            println!("Revocation is not visible offline: check the id on the site when you can.");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("NOT VALID: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

async fn import_journeys(
    db: safar::cli::DbArgs,
    keys: safar::cli::KeyArgs,
    file: std::path::PathBuf,
) -> anyhow::Result<ExitCode> {
    use safar::people::import;
    let input = std::fs::File::open(&file)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", file.display()))?;
    let size = input.metadata().map(|m| m.len()).unwrap_or(0);
    let keys = DataKeys::load_or_create(&keys.path(&db.data_dir))?;
    let database = connect(&db).await?;
    let clock = Clock::default();
    let deps = safar::people::service::Deps {
        db: &database,
        clock: &clock,
        keys: &keys,
    };
    let bar = indicatif::ProgressBar::new(size);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {percent:>3}% {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut rejected = vec![];
    let report = import::import_journeys(
        deps,
        &Actor::console(),
        std::io::BufReader::new(input),
        &mut rejected,
        |bytes, r| {
            bar.set_position(bytes);
            bar.set_message(format!(
                "{} rows, {} added, {} rejected",
                r.rows, r.added, r.rejected
            ));
        },
    )
    .await?;
    bar.finish_and_clear();
    println!(
        "{} rows: {} journeys added, {} already present, {} persons registered, {} rejected",
        report.rows, report.added, report.duplicates, report.persons_registered, report.rejected
    );
    let errors_file = import::errors_path(&file);
    if rejected.is_empty() {
        let _ = std::fs::remove_file(&errors_file);
        return Ok(ExitCode::SUCCESS);
    }
    import::write_errors(&errors_file, &rejected)?;
    println!("rejected rows are listed in {}", errors_file.display());
    Ok(ExitCode::from(2))
}
