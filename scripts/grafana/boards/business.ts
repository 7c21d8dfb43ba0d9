// Sessions and business: page views, sessions, the checkout funnel from custom events
// (`rum.trackEvent(name)`; the event name is the only event label) and whether speed changes
// conversion (custom events carry the LCP rating of the page they happened on).
import { QueryVariableBuilder, VariableRefresh } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  PROMETHEUS,
  SEL,
  TEMPO,
  TRACE_FILTER,
  table,
  traceql,
  bars,
  counter,
  dashboard,
  labelVariable,
  prom,
  row,
  stat,
  timeseries,
} from '../common';

const views = counter('page_views');
const sessions = counter('sessions');
const events = (name: string) => `rum_custom_events_total{rum_event_name=~"${name}", ${SEL}}`;

/** A single-value event-name variable with a default (the demo shop's event names). */
function eventVariable(name: string, label: string, value: string) {
  const query = `label_values(rum_custom_events_total{service_name=~"$service"}, rum_event_name)`;
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS)
    .query({ qryType: 1, query, refId: 'PrometheusVariableQueryEditor-VariableQuery' })
    .definition(query)
    .current({ text: value, value })
    .refresh(VariableRefresh.OnTimeRangeChanged);
}

export function businessDashboard() {
  const d = dashboard(
    'otel-rum-business',
    'RUM / Sessions and business',
    'Page views, sessions, funnel steps from custom events, and conversion rate by the LCP rating of the page the events happened on.',
  )
    .withVariable(
      labelVariable('step', 'Funnel steps', 'rum_event_name', 'rum_custom_events_total', [
        'service_name=~"$service"',
      ]),
    )
    .withVariable(eventVariable('entry', 'Funnel entry event', 'add_to_cart'))
    .withVariable(eventVariable('conversion', 'Conversion event', 'checkout_completed'));

  d.withRow(row('Traffic'));
  d.withPanel(
    stat('Page views', 'short').withTarget(
      prom(`sum(increase(${views}[$__range]))`, '', { instant: true }),
    ),
  );
  d.withPanel(
    stat('Sessions', 'short').withTarget(
      prom(`sum(increase(${sessions}[$__range]))`, '', { instant: true }),
    ),
  );
  d.withPanel(
    stat('Page views per session', 'short')
      .decimals(1)
      .withTarget(
        prom(`sum(increase(${views}[$__range])) / sum(increase(${sessions}[$__range]))`, '', {
          instant: true,
        }),
      ),
  );
  d.withPanel(
    timeseries('Page views and sessions per second', 'reqps', 12, 5)
      .withTarget(prom(`sum(rate(${views}[$__rate_interval]))`, 'page views'))
      .withTarget(
        prom(`sum(rate(${sessions}[$__rate_interval]))`, 'sessions', { refId: 'sessions' }),
      ),
  );
  d.withPanel(
    bars('Page views by route', 'short', 12, 8).withTarget(
      prom(
        `sort_desc(sum by (rum_page_route) (increase(${views}[$__range])))`,
        '{{rum_page_route}}',
        { instant: true },
      ),
    ),
  );
  for (const [segment, label, title] of [
    ['device', 'rum_device_class', 'device class'],
    ['country', 'geo_country_iso_code', 'country'],
  ] as const)
    d.withPanel(
      bars(`Sessions by ${title}`, 'short', 6, 8).withTarget(
        prom(
          `sort_desc(sum by (${label}) (increase(${counter('sessions', segment)}[$__range])))`,
          `{{${label}}}`,
          { instant: true },
        ),
      ),
    );
  d.withRow(row('Funnel and conversion'));
  d.withPanel(
    bars('Funnel steps (custom events), largest first', 'short', 12, 8).withTarget(
      prom(
        `sort_desc(sum by (rum_event_name) (increase(${events('$step')}[$__range])))`,
        '{{rum_event_name}}',
        {
          instant: true,
        },
      ),
    ),
  );
  d.withPanel(
    bars('Conversion rate by LCP rating ($conversion / $entry)', 'percentunit', 12, 8)
      .description(
        'Conversion events per funnel-entry event, grouped by the LCP rating of the page each event happened on (unknown: LCP not yet measured).',
      )
      .withTarget(
        prom(
          `sum by (rum_page_lcp_rating) (increase(${events('$conversion')}[$__range])) / sum by (rum_page_lcp_rating) (increase(${events('$entry')}[$__range]))`,
          '{{rum_page_lcp_rating}}',
          { instant: true },
        ),
      ),
  );
  d.withPanel(
    table('Journey steps (useJourneyStep, TraceQL metrics)', 12, 8, TEMPO)
      .description(
        'otel-rum/react sends every step as one `journey_step` event whose step is an attribute, not a metric label: Tempo counts them.',
      )
      .withTarget(
        traceql(
          `{ name = "custom_event" && span.rum.event.name = "journey_step" && ${TRACE_FILTER} } | count_over_time() by (span.rum.journey.step)`,
          { metrics: 'instant' },
        ),
      ),
  );
  d.withPanel(
    timeseries('Custom events per second', 'reqps', 12, 8).withTarget(
      prom(
        `sum by (rum_event_name) (rate(${events('$step')}[$__rate_interval]))`,
        '{{rum_event_name}}',
      ),
    ),
  );
  return d.build();
}
