import type { Attributes } from '@opentelemetry/api';
import {
  browserFamily,
  connectionType,
  deviceClass,
  devicePixelRatio,
  effectiveConnectionType,
  getNavigator,
  getScreen,
} from './browser/environment';
import * as S from './semconv';
import { VERSION } from './version';

export interface ResourceInput {
  serviceName: string;
  serviceVersion?: string;
  environment?: string;
}

/** Attributes that describe the app and the device for the page's whole life. */
export function resourceAttributes(input: ResourceInput): Attributes {
  const nav = getNavigator();
  const scr = getScreen();
  const attrs: Attributes = {
    [S.ATTR_SERVICE_NAME]: input.serviceName,
    [S.ATTR_TELEMETRY_DISTRO_NAME]: 'otel-rum',
    [S.ATTR_TELEMETRY_DISTRO_VERSION]: VERSION,
  };
  if (input.serviceVersion) attrs[S.ATTR_SERVICE_VERSION] = input.serviceVersion;
  if (input.environment) attrs[S.ATTR_DEPLOYMENT_ENVIRONMENT_NAME] = input.environment;
  const uaData = nav?.userAgentData;
  if (uaData?.brands?.length) {
    attrs[S.ATTR_BROWSER_BRANDS] = uaData.brands.map((b) => `${b.brand} ${b.version}`);
  }
  if (uaData?.platform) attrs[S.ATTR_BROWSER_PLATFORM] = uaData.platform;
  if (uaData && typeof uaData.mobile === 'boolean') attrs[S.ATTR_BROWSER_MOBILE] = uaData.mobile;
  if (nav?.language) attrs[S.ATTR_BROWSER_LANGUAGE] = nav.language;
  if (nav?.userAgent) attrs[S.ATTR_USER_AGENT_ORIGINAL] = nav.userAgent;
  if (scr) {
    attrs[S.ATTR_SCREEN_WIDTH] = scr.width;
    attrs[S.ATTR_SCREEN_HEIGHT] = scr.height;
  }
  const dpr = devicePixelRatio();
  if (dpr) attrs[S.ATTR_DEVICE_PIXEL_RATIO] = dpr;
  if (typeof nav?.deviceMemory === 'number') attrs[S.ATTR_DEVICE_MEMORY] = nav.deviceMemory;
  if (typeof nav?.hardwareConcurrency === 'number') {
    attrs[S.ATTR_DEVICE_CORES] = nav.hardwareConcurrency;
  }
  return attrs;
}

/** Device and browser class do not change during a page's life: computed once. */
export function staticSpanAttributes(): Attributes {
  const nav = getNavigator();
  return {
    [S.ATTR_DEVICE_CLASS]: deviceClass(nav, getScreen()),
    [S.ATTR_BROWSER_FAMILY]: browserFamily(nav),
  };
}

/** The network can change at any moment (wifi to cell): read when each span starts. */
export function networkAttributes(): Attributes {
  const nav = getNavigator();
  const attrs: Attributes = {};
  const type = connectionType(nav);
  if (type) attrs[S.ATTR_NETWORK_CONNECTION_TYPE] = type;
  const effective = effectiveConnectionType(nav);
  if (effective) attrs[S.ATTR_NETWORK_EFFECTIVE_TYPE] = effective;
  return attrs;
}
