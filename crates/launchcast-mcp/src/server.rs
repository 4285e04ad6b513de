//! The `rmcp` server handler: `tools/list` from the definitions, `tools/call` checked,
//! limited, run one at a time, and answered.

use std::sync::{Arc, Mutex};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};

use crate::{Backend, Limits, tools};

struct Server<B> {
    backend: Arc<B>,
    limits: Limits,
    /// Runs one at a time: a run uses every core, two would only halve each other.
    busy: Arc<Mutex<()>>,
}

impl<B: Backend> ServerHandler for Server<B> {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("launchcast", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "Monte Carlo schedule-risk forecasts of vehicle launch programmes. `check` a \
                 model first, then `run` it or ask `whatif` with changes; each answers the \
                 JSON of the matching launchcast command.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let tools = tools::definitions()
            .into_iter()
            .map(|(name, description, schema)| {
                let schema = match schema {
                    serde_json::Value::Object(o) => o,
                    _ => serde_json::Map::new(),
                };
                Tool::new(name, description, schema)
            })
            .collect();
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let call = tools::parse(&request.name, request.arguments, &self.limits)
            .map_err(|m| ErrorData::invalid_params(m, None))?;
        let backend = Arc::clone(&self.backend);
        let busy = Arc::clone(&self.busy);
        let limits = self.limits;
        // Off the protocol's thread, one at a time; a panic is a fault of launchcast,
        // answered as an internal error, never the end of the server.
        let answer = tokio::task::spawn_blocking(move || {
            let _turn = busy.lock().unwrap_or_else(|p| p.into_inner());
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                backend.call(&call, &limits)
            }))
        })
        .await;
        let result = match answer {
            Ok(Ok(Ok(text))) => CallToolResult::success(vec![ContentBlock::text(text)]),
            Ok(Ok(Err(e))) => {
                let mut r = CallToolResult::error(vec![ContentBlock::text(e.message.clone())]);
                r.structured_content = serde_json::to_value(&e).ok();
                r
            }
            _ => {
                return Err(ErrorData::internal_error(
                    format!(
                        "tool `{}` failed inside launchcast (a bug; please report it)",
                        request.name
                    ),
                    None,
                ));
            }
        };
        Ok(result.into())
    }
}

/// Serves the tools on standard input and output until the client closes them.
pub fn serve<B: Backend>(backend: B, limits: Limits) -> Result<(), String> {
    // Timers: the SDK times out its shutdown.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    runtime.block_on(async move {
        let server = Server {
            backend: Arc::new(backend),
            limits,
            busy: Arc::new(Mutex::new(())),
        };
        let service = server
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| format!("the MCP session did not start: {e}"))?;
        service
            .waiting()
            .await
            .map_err(|e| format!("the MCP server stopped: {e}"))?;
        Ok(())
    })
}
