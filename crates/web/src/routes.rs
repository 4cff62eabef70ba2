//! The page router together with the list of its (method, path) pairs, so that tests can enumerate every
//! page route (e.g. prove that every state-changing form refuses a request without the CSRF token).

use crate::AppState;
use axum::handler::Handler;
use axum::routing::{get, post};
use axum::Router;

/// How a route is protected against cross-site requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// A page that only shows (GET): it changes nothing and needs no token.
    ReadOnly,
    /// The session's CSRF token, through `extract::CsrfForm` / `extract::CsrfMultipart`.
    Csrf,
    /// A public form without a session (the portal): same-origin check instead.
    Origin,
    /// The login form: the pre-login cookie token (double submit), since there is no session yet.
    PreLogin,
}

/// One page route as listed for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub guard: Guard,
}

/// A router that remembers what it was given.
pub struct PageRoutes {
    router: Router<AppState>,
    list: Vec<PageRoute>,
}

impl Default for PageRoutes {
    fn default() -> Self {
        PageRoutes::new()
    }
}

impl PageRoutes {
    pub fn new() -> PageRoutes {
        PageRoutes {
            router: Router::new(),
            list: Vec::new(),
        }
    }

    /// A page that only shows (GET, and HEAD with it).
    pub fn get<H, T>(mut self, path: &'static str, handler: H) -> PageRoutes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, get(handler));
        self.list.push(PageRoute {
            method: "GET",
            path,
            guard: Guard::ReadOnly,
        });
        self
    }

    /// A state-changing form of a signed-in user: the handler must take `CsrfForm` or `CsrfMultipart`.
    pub fn post<H, T>(self, path: &'static str, handler: H) -> PageRoutes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.post_guarded(path, Guard::Csrf, handler)
    }

    /// A public form (no session): checked for a same-origin request instead of a token.
    pub fn public_post<H, T>(self, path: &'static str, handler: H) -> PageRoutes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.post_guarded(path, Guard::Origin, handler)
    }

    pub fn post_guarded<H, T>(mut self, path: &'static str, guard: Guard, handler: H) -> PageRoutes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, post(handler));
        self.list.push(PageRoute {
            method: "POST",
            path,
            guard,
        });
        self
    }

    pub fn merge(mut self, other: PageRoutes) -> PageRoutes {
        self.router = self.router.merge(other.router);
        self.list.extend(other.list);
        self
    }

    pub fn list(&self) -> &[PageRoute] {
        &self.list
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
