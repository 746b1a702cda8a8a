//! The command line. Every flag has a `SAFAR_…` environment twin.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "safar",
    version,
    about = "Safe, legal labour migration: the agency's system"
)]
pub struct Cli {
    /// Log format.
    #[arg(long, env = "SAFAR_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server (migrates the database first).
    Serve(ServeArgs),
    /// Create a fresh demo database with reference data and one user per role, then serve it.
    Demo(DemoArgs),
    /// Apply database migrations and exit.
    Migrate(DbArgs),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Manage the data key that encrypts sensitive personal data.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Import data from files.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Work with PDO certificates.
    #[command(subcommand)]
    Certificate(CertificateCommand),
    /// Maintain the analytics cubes.
    #[command(subcommand)]
    Analytics(AnalyticsCommand),
    /// Back up the database while it serves, or restore a backup into an empty database.
    #[command(subcommand)]
    Backup(BackupCommand),
    /// Write data out in open formats.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Apply the retention schedule (docs/privacy.md) now; every server also does it daily.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Copy every table into an empty database (e.g. from SQLite to PostgreSQL), compare row
    /// counts and checksums, and commit only when they all match.
    MigrateData {
        /// The database to copy (it is only read).
        #[arg(long)]
        from: String,
        /// An empty database; its tables are created.
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum BackupCommand {
    /// Write a consistent backup and its manifest into the new directory DEST (SQLite:
    /// `VACUUM INTO`; PostgreSQL: `pg_dump --format=custom`). The keys are not included.
    Create {
        #[command(flatten)]
        db: DbArgs,
        dest: PathBuf,
    },
    /// Restore the backup in SRC into an empty database, then check every table's row count
    /// and checksum against the manifest and verify the audit chain.
    Restore {
        #[command(flatten)]
        db: DbArgs,
        src: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum RetentionCommand {
    /// Delete or anonymise what is past its retention period; prints what each rule did.
    Run(DbArgs),
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Every table as CSV with a JSON Schema of each, a README of the data model and a
    /// manifest, into the new directory DEST.
    All {
        #[command(flatten)]
        db: DbArgs,
        dest: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum AnalyticsCommand {
    /// Recompute the analytics tables from the records: the journey cubes and the other
    /// modules' figures (they are kept current as records change; this is for after a
    /// restore or a manual correction of the tables).
    Rebuild(DbArgs),
}

#[derive(Subcommand, Debug)]
pub enum CertificateCommand {
    /// Check a certificate token's signature offline (no database needed). Exit 0 and print
    /// the certificate's fields when it is genuine; 1 when tampered with or signed by an
    /// unknown key.
    Verify {
        /// The token from the QR code (`SC1.…`), or the whole address the QR code holds.
        token: String,
        /// The published keys: a saved safar-keys.json, or a server's http:// address of it.
        /// Default: the public halves of the local signing key file.
        #[arg(long)]
        keys: Option<String>,
        #[arg(long, env = "SAFAR_DATA_DIR", default_value = "./safar-data")]
        data_dir: PathBuf,
        #[command(flatten)]
        key_args: KeyArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Import departures and returns from a CSV file (columns in the README). Exit 0 when all
    /// rows were accepted, 2 when some were rejected (listed in <file stem>.errors.csv).
    Journeys {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        keys: KeyArgs,
        /// The CSV file.
        file: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Create the data key file and the certificate signing key file (refuses to overwrite
    /// either).
    Init {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Make a new active key and re-encrypt every sealed value under it. Stop the servers first.
    Rotate {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Make a new certificate signing key; older keys stay published so the certificates
    /// they signed still verify. Restart the servers afterwards.
    RotateSigning {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        keys: KeyArgs,
    },
}

#[derive(Args, Debug, Clone)]
pub struct DbArgs {
    /// Database URL: sqlite://PATH or postgres://… (default: sqlite://<data-dir>/safar.db).
    #[arg(long, env = "SAFAR_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Directory for the embedded database and keys (created if missing).
    #[arg(long, env = "SAFAR_DATA_DIR", default_value = "./safar-data")]
    pub data_dir: PathBuf,
}

impl DbArgs {
    pub fn url(&self) -> anyhow::Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir)?;
        let dir = std::fs::canonicalize(&self.data_dir)?;
        Ok(format!("sqlite://{}", dir.join("safar.db").display()))
    }
}

#[derive(Args, Debug, Clone)]
pub struct WebArgs {
    /// Address to listen on.
    #[arg(long, env = "SAFAR_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The public address when served over TLS (`https://…`): cookies become Secure and `__Host-`.
    #[arg(long, env = "SAFAR_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Trust the first X-Forwarded-For address (only behind your own reverse proxy).
    #[arg(long, env = "SAFAR_TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,
    /// Largest request body accepted, in bytes (larger ones get 413).
    #[arg(long, env = "SAFAR_BODY_LIMIT", default_value_t = 1024 * 1024)]
    pub body_limit: usize,
    /// Seconds before a request is abandoned with 408.
    #[arg(long, env = "SAFAR_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,
    /// Public licence checks per client address and minute, on each server.
    #[arg(long, env = "SAFAR_PUBLIC_LOOKUPS_PER_MINUTE", default_value_t = 60)]
    pub public_lookups_per_minute: u32,
    /// Continuity mode: serve every page and API read, refuse every change (503). Sign-in and
    /// the audit of reads still write; background jobs and migrations do not run.
    #[arg(long, env = "SAFAR_READ_ONLY", default_value_t = false)]
    pub read_only: bool,
}

#[derive(Args, Debug, Clone)]
pub struct KeyArgs {
    /// The data key file (encrypts passport numbers); default <data-dir>/data.key.
    #[arg(long, env = "SAFAR_DATA_KEY_FILE")]
    pub data_key_file: Option<PathBuf>,
    /// The key file that signs PDO certificates; default <data-dir>/signing.key.
    #[arg(long, env = "SAFAR_SIGNING_KEY_FILE")]
    pub signing_key_file: Option<PathBuf>,
}

impl KeyArgs {
    pub fn path(&self, data_dir: &std::path::Path) -> PathBuf {
        self.data_key_file
            .clone()
            .unwrap_or_else(|| data_dir.join("data.key"))
    }

    pub fn signing_path(&self, data_dir: &std::path::Path) -> PathBuf {
        self.signing_key_file
            .clone()
            .unwrap_or_else(|| data_dir.join("signing.key"))
    }
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub keys: KeyArgs,
    #[command(flatten)]
    pub web: WebArgs,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    #[command(flatten)]
    pub web: WebArgs,
    /// Directory for the demo database (a directory holding a non-demo database is refused).
    #[arg(long, env = "SAFAR_DATA_DIR", default_value = "./safar-demo")]
    pub data_dir: PathBuf,
    /// Size of the synthetic data set that modules generate (0: reference data and users only).
    #[arg(long, env = "SAFAR_DEMO_SCALE", default_value_t = 0)]
    pub scale: u64,
    /// Create the demo and exit instead of serving it.
    #[arg(long, default_value_t = false)]
    pub no_serve: bool,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user with one role grant; the password is read from standard input.
    Create {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
        /// One of: citizen, operator, supervisor, pdo_manager, trainer, licensing_officer,
        /// recruiter_staff, reintegration_officer, grant_reviewer, regional_officer, analyst, admin, partner.
        #[arg(long)]
        role: String,
        /// Limit the grant, e.g. region:UZ-SA.
        #[arg(long)]
        scope: Option<String>,
        /// Name shown in the interface (default: the e-mail address).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Disable a user: no more sign-ins, sessions ended, tokens dead.
    Disable {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token for a user and print it once.
    Create {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Exit 0 when the audit chain is intact; otherwise name the first broken entry and exit 1.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}
