//! Starts the Khuyến Học server: reads the configuration, opens the database, serves.

#![recursion_limit = "512"]

use app::backend::config::Config;
use app::backend::demo::{DEMO_PASSWORD, DEMO_USERS};
use khuyenhoc_server::{shutdown_signal, Application};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
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
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    if config.log_json {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .json()
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
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
