// Segments: p75 LCP / INP / CLS by route, device class, connection type, browser and country,
// worst first, so the pages, devices, networks and countries that need work stand out.
import {
  SEGMENTS,
  bars,
  dashboard,
  navigationVariable,
  prom,
  ratingSteps,
  ratingThresholds,
  row,
  table,
  type Segment,
} from '../common';
import { VITALS, p75 } from './web-vitals';

const CORE = VITALS.filter((v) => ['lcp', 'inp', 'cls'].includes(v.name));

export function segmentsDashboard() {
  const d = dashboard(
    'otel-rum-segments',
    'RUM / Segments',
    'p75 of LCP, INP and CLS per route, device class, connection type, browser and country over the selected range, worst segment first. Each breakdown is its own metric family, filtered by its own variable (route, device class, country) and by service and environment; a segment of several dimensions at once (e.g. mobile users in one country on one route) is a trace search. The navigation variable (hard: page loads; soft: SPA route changes, Chromium only) applies to the by-route panels; the other breakdowns count page loads (hard navigations) only.',
  );
  d.withVariable(navigationVariable());
  d.withRow(row('Worst segments (route x device class; page loads)'));
  const worst = table('Worst LCP segments: route x device class (p75, top 15)', 24, 8).withTarget(
    prom(
      `topk(15, ${p75('lcp', '$__range', ['rum_page_route', 'rum_device_class'], '', 'route_device')})`,
      '',
      { table: true },
    ),
  );
  d.withPanel(
    worst
      .withTransformation({ id: 'organize', options: { excludeByName: { Time: true } } })
      .withTransformation({ id: 'sortBy', options: { sort: [{ field: 'Value', desc: true }] } })
      .overrideByName('Value', [
        { id: 'displayName', value: 'LCP p75' },
        { id: 'unit', value: 'ms' },
        { id: 'thresholds', value: ratingSteps(2500, 4000) },
        { id: 'custom.cellOptions', value: { type: 'color-background' } },
      ]),
  );
  for (const [segment, { label, title }] of Object.entries(SEGMENTS) as [
    Segment,
    (typeof SEGMENTS)[Segment],
  ][]) {
    // only the by-route families have soft navigations (the navigation variable)
    d.withRow(
      row(`By ${title} (${segment === 'route' ? 'navigation: $navigation' : 'page loads'})`),
    );
    for (const v of CORE) {
      d.withPanel(
        bars(`${v.title} p75 by ${title}`, v.unit, 8, segment === 'route' ? 10 : 7)
          .thresholds(ratingThresholds(v.good, v.poor))
          .withTarget(
            prom(`sort_desc(${p75(v.name, '$__range', [label], '', segment)})`, `{{${label}}}`, {
              instant: true,
            }),
          ),
      );
    }
  }
  return d.build();
}
