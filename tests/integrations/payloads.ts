// Alert payloads exactly as the senders document them: Alertmanager's webhook
// (version 4, the sample that the alertmanager-webhook-types crate ships from
// Prometheus' documentation of webhook_config) and Grafana alerting's webhook
// (grafana.com, "Configure the webhook notifier for Alerting"). Tests change
// only `status` and the alerts' own status, as the senders do on resolve.

export function alertmanagerFiring() {
  return {
    receiver: "sms",
    status: "firing",
    alerts: [
      {
        status: "firing",
        labels: {
          alertname: "ProbeFailure",
          instance: "https://server.example.org",
          job: "http_checks",
          monitor: "master",
          severity: "critical",
        },
        annotations: {
          description: "Instance https://server.example.org has been down for over 5m. Job: http_checks",
          summary: "BlackBox Probe Failure: https://server.example.org",
        },
        startsAt: "2023-02-06T13:08:45.828Z",
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: "http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0\\u0026g0.tab=1",
        fingerprint: "1a30ba71cca2921f",
      },
    ],
    groupLabels: { alertname: "ProbeFailure" },
    commonLabels: {
      alertname: "ProbeFailure",
      instance: "https://server.example.org",
      job: "http_checks",
      monitor: "master",
      severity: "critical",
    },
    commonAnnotations: {
      description: "Instance https://server.example.org has been down for over 5m. Job: http_checks",
      summary: "BlackBox Probe Failure: https://server.example.org",
    },
    externalURL: "http://prometheus.example.org:9093",
    version: "4",
    groupKey: '{}/{severity="critical"}:{alertname="ProbeFailure"}',
    truncatedAlerts: 0,
  };
}

/** The same group once Alertmanager sees the alert end. */
export function alertmanagerResolved() {
  const p = alertmanagerFiring();
  p.status = "resolved";
  p.alerts[0].status = "resolved";
  p.alerts[0].endsAt = "2023-02-06T13:20:45.828Z";
  return p;
}

export function grafanaFiring() {
  return {
    receiver: "My Super Webhook",
    status: "firing",
    orgId: 1,
    alerts: [
      {
        status: "firing",
        labels: { alertname: "High memory usage", team: "blue", zone: "us-1" },
        annotations: {
          description: "The system has high memory usage",
          runbook_url: "https://myrunbook.com/runbook/1234",
          summary: "This alert was triggered for zone us-1",
        },
        startsAt: "2021-10-12T09:51:03.157076+02:00",
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: "https://play.grafana.org/alerting/1afz29v7z/edit",
        fingerprint: "c6eadffa33fcdf37",
        silenceURL:
          "https://play.grafana.org/alerting/silence/new?alertmanager=g" +
          "rafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1",
        dashboardURL: "",
        panelURL: "",
        values: { B: 44.23943737541908, C: 1 },
      },
      {
        status: "firing",
        labels: { alertname: "High CPU usage", team: "blue", zone: "eu-1" },
        annotations: {
          description: "The system has high CPU usage",
          runbook_url: "https://myrunbook.com/runbook/1234",
          summary: "This alert was triggered for zone eu-1",
        },
        startsAt: "2021-10-12T09:56:03.157076+02:00",
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: "https://play.grafana.org/alerting/d1rdpdv7k/edit",
        fingerprint: "bc97ff14869b13e3",
        silenceURL:
          "https://play.grafana.org/alerting/silence/new?alertmanager=g" +
          "rafana&matchers=alertname%3DT1%2Cteam%3Dblue%2Czone%3Deu-1",
        dashboardURL: "",
        panelURL: "",
        values: { B: 44.23943737541908, C: 1 },
      },
    ],
    groupLabels: {},
    commonLabels: { team: "blue" },
    commonAnnotations: {},
    externalURL: "https://play.grafana.org/",
    version: "1",
    groupKey: "{}:{}",
    truncatedAlerts: 0,
    title: "[FIRING:2]  (blue)",
    state: "alerting",
    message:
      "**Firing**\n\nLabels:\n - alertname = T2\n - team = blue\n " +
      "- zone = us-1\nAnnotations:\n - description = This is the " +
      "alert rule checking the second system\n - runbook_url = " +
      "https://myrunbook.com\n - summary = This is my " +
      "summary\nSource: https://play.grafana.org/alerting/1afz29v7z" +
      "/edit\nSilence: https://play.grafana.org/alerting/silence/ne" +
      "w?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue" +
      "%2Czone%3Dus-1\n\nLabels:\n - alertname = T1\n - team = " +
      "blue\n - zone = eu-1\nAnnotations:\nSource: " +
      "https://play.grafana.org/alerting/d1rdpdv7k/edit\nSilence: " +
      "https://play.grafana.org/alerting/silence/new?alertmanager=g" +
      "rafana&matchers=alertname%3DT1%2Cteam%3Dblue%2Czone%3Deu-1\n",
  };
}

/** Grafana's group with only the first alert resolved (the other still firing). */
export function grafanaOneResolved() {
  const p = grafanaFiring();
  p.alerts[0].status = "resolved";
  p.alerts[0].endsAt = "2021-10-12T10:20:03.157076+02:00";
  return p;
}

export function grafanaAllResolved() {
  const p = grafanaOneResolved();
  p.status = "resolved";
  p.state = "ok";
  p.alerts[1].status = "resolved";
  p.alerts[1].endsAt = "2021-10-12T10:21:03.157076+02:00";
  return p;
}
