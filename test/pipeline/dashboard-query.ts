// A dashboard's Prometheus query as a test runs it: variables set, and the range macro replaced.

/**
 * `q` with `$service` set and every other page variable at All. increase()/rate() over the
 * dashboard's range, on series that were all born inside a test, would miss each series' first
 * scrape (Prometheus takes a series' first sample as its baseline): the cumulative values are
 * the same quantity over a range that starts before the first report, so they replace them.
 */
export function dashboardQuery(q: string, service: string): string {
  return q
    .replaceAll('$service', service)
    .replace(/\$(environment|route|device|country|navigation)/g, '.*')
    .replace(/(?:rate|increase)\((.+?)\[\$__range\]\)/g, '$1');
}
