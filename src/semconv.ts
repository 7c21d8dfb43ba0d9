/**
 * Span names and attribute keys emitted by otel-rum. OpenTelemetry semantic conventions first;
 * our own names live under `rum.*` so they never collide with a future semconv key.
 * The collector config (otel-collector/config.yaml) and the dashboards depend on these strings.
 */

// --- span names (bounded: the collector derives metrics from them) ---
export const SPAN_WEB_VITAL = 'web_vital';
export const SPAN_PAGE_LOAD = 'page_load';
export const SPAN_ROUTE_CHANGE = 'route_change';
export const SPAN_SESSION_START = 'session_start';
export const SPAN_ERROR = 'error';
export const SPAN_CUSTOM_EVENT = 'custom_event';
export const SPAN_LONG_ANIMATION_FRAME = 'long_animation_frame';
/** The outbox bound dropped batches while the collector was unreachable. */
export const SPAN_OUTBOX_OVERFLOW = 'outbox_overflow';
export const ATTR_OUTBOX_DROPPED_SPANS = 'rum.outbox.dropped_spans';
export const ATTR_OUTBOX_DROPPED_BATCHES = 'rum.outbox.dropped_batches';

// --- resource (semconv) ---
export const ATTR_SERVICE_NAME = 'service.name';
export const ATTR_SERVICE_VERSION = 'service.version';
export const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';
export const ATTR_TELEMETRY_DISTRO_NAME = 'telemetry.distro.name';
export const ATTR_TELEMETRY_DISTRO_VERSION = 'telemetry.distro.version';
export const ATTR_BROWSER_BRANDS = 'browser.brands';
export const ATTR_BROWSER_PLATFORM = 'browser.platform';
export const ATTR_BROWSER_MOBILE = 'browser.mobile';
export const ATTR_BROWSER_LANGUAGE = 'browser.language';
export const ATTR_USER_AGENT_ORIGINAL = 'user_agent.original';
// --- resource (ours) ---
export const ATTR_SCREEN_WIDTH = 'rum.screen.width';
export const ATTR_SCREEN_HEIGHT = 'rum.screen.height';
export const ATTR_DEVICE_PIXEL_RATIO = 'rum.device.pixel_ratio';
export const ATTR_DEVICE_MEMORY = 'rum.device.memory_gb';
export const ATTR_DEVICE_CORES = 'rum.device.cores';

// --- on every span ---
export const ATTR_SESSION_ID = 'session.id';
export const ATTR_SESSION_PREVIOUS_ID = 'session.previous_id';
export const ATTR_USER_ID = 'user.id';
export const ATTR_NETWORK_CONNECTION_TYPE = 'network.connection.type';
export const ATTR_NETWORK_EFFECTIVE_TYPE = 'rum.network.effective_type';
export const ATTR_PAGE_ROUTE = 'rum.page.route';
export const ATTR_PAGE_URL = 'rum.page.url';
export const ATTR_PAGE_VIEW_ID = 'rum.page.view_id';
export const ATTR_DEVICE_CLASS = 'rum.device.class';
export const ATTR_BROWSER_FAMILY = 'rum.browser.family';

// --- web vitals (semconv browser.web_vital.* where defined) ---
export const ATTR_WEB_VITAL_NAME = 'browser.web_vital.name';
export const ATTR_WEB_VITAL_VALUE = 'browser.web_vital.value';
export const ATTR_WEB_VITAL_DELTA = 'browser.web_vital.delta';
export const ATTR_WEB_VITAL_ID = 'browser.web_vital.id';
export const ATTR_WEB_VITAL_RATING = 'browser.web_vital.rating';
export const ATTR_WEB_VITAL_NAVIGATION_TYPE = 'browser.web_vital.navigation_type';
/** `true` on a second or later report of the same metric id; metrics count only the first. */
export const ATTR_WEB_VITAL_REPEAT = 'rum.web_vital.repeat';
export const ATTR_WEB_VITAL_DEPRECATED = 'rum.web_vital.deprecated';
export const ATTR_PREFIX_WEB_VITAL_ATTRIBUTION = 'rum.web_vital.attribution.';

// --- page load ---
export const ATTR_NAVIGATION_TYPE = 'rum.navigation.type';
export const ATTR_BFCACHE_RESTORE = 'rum.navigation.bfcache_restore';
export const ATTR_REFERRER = 'rum.page.referrer';
export const ATTR_PREFIX_TIMING = 'rum.timing.';
export const ATTR_TRANSFER_SIZE = 'rum.timing.transfer_size';
/** false when the page was hidden or closed before its load event ended. */
export const ATTR_PAGE_LOAD_COMPLETE = 'rum.page_load.complete';
export const ATTR_ROUTE_FROM = 'rum.route.from';

// --- errors (semconv exception.*) ---
export const ATTR_EXCEPTION_TYPE = 'exception.type';
export const ATTR_EXCEPTION_MESSAGE = 'exception.message';
export const ATTR_EXCEPTION_STACKTRACE = 'exception.stacktrace';

// --- HTTP client spans (semconv http.*, url.*, server.*, error.type) ---
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
export const ATTR_HTTP_REQUEST_METHOD_ORIGINAL = 'http.request.method_original';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const ATTR_URL_FULL = 'url.full';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_ERROR_TYPE = 'error.type';
/** true on a request still unanswered when the page was hidden or closed. */
export const ATTR_HTTP_UNFINISHED = 'rum.http.unfinished';

// --- custom events ---
export const ATTR_EVENT_NAME = 'rum.event.name';
export const ATTR_PAGE_LCP_RATING = 'rum.page.lcp_rating';
