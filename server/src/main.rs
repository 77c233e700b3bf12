//! Starts the Khuyến Học server: reads the configuration, opens the database, serves. With
//! `generate-province` it writes a synthetic province into an empty database instead
//! ([`generate`]).

#![recursion_limit = "512"]

mod generate;

use app::backend::config::Config;
use app::backend::demo::{DEMO_PASSWORD, DEMO_USERS};
use khuyenhoc_server::{shutdown_signal, Application};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str);
    if !matches!(command, None | Some("generate-province")) {
        eprintln!("unknown command {command:?}: run without arguments to serve, or `generate-province --help`");
        std::process::exit(2);
    }
    let leptos_options = match leptos::config::get_configuration(None) {
        Ok(conf) => conf.leptos_options,
        Err(e) => {
            eprintln!("cannot read the Leptos configuration: {e}");
            std::process::exit(1);
        }
    };
    let config = match Config::from_env(&leptos_options.site_addr.to_string()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("configuration error: {e}");
            std::process::exit(1);
        }
    };
    // The generator's statements run for seconds by design: sqlx's slow-statement warnings
    // would bury the phases it prints.
    let default_filter = if command.is_some() {
        "warn,sqlx=error"
    } else {
        "info,sqlx=warn,tower_http=info"
    };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    if config.log_json {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .json()
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    if command == Some("generate-province") {
        std::process::exit(generate::main(&config, &args[1..]).await);
    }
    let demo = config.demo;
    let app = match Application::build(config, leptos_options).await {
        Ok(app) => app,
        Err(e) => {
            tracing::error!("{e}");
            std::process::exit(1);
        }
    };
    tracing::info!(addr = %app.addr, "Khuyến Học is listening");
    println!();
    println!("  Khuyến Học: http://{}", app.addr);
    if demo {
        println!("  Demo accounts (password: {DEMO_PASSWORD}):");
        for (username, name, role, _) in DEMO_USERS {
            println!(
                "    {username:<15} {name:<20} {}",
                role.label(app::i18n::Lang::Vi)
            );
        }
    }
    println!();
    if let Err(e) = app.run_until(shutdown_signal()).await {
        tracing::error!(error = %e, "server stopped with an error");
        std::process::exit(1);
    }
}
