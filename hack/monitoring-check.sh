#!/usr/bin/env bash
# The alert rules and the dashboard, checked offline with the real promtool: the rule file is valid
# (also as the chart's PrometheusRule renders it), its unit tests pass
# (monitoring/prometheus-rules.test.yaml), and the dashboard is JSON. That every panel's query has
# data is shown against a live Prometheus by MonitoringE2E.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_DIR"
promtool=$PROMETHEUS_BIN/promtool
chart=charts/pg-migration-operator
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$promtool" check rules "$chart/files/prometheus-rules.yaml"
"$promtool" test rules monitoring/prometheus-rules.test.yaml
"$HELM_BIN/helm" template pg-migration-operator "$chart" --namespace pgmigration-system \
  --set metrics.prometheusRule.enabled=true --show-only templates/metrics.yaml \
  | python3 -c 'import sys, yaml; print(yaml.safe_dump(next(d for d in yaml.safe_load_all(sys.stdin) if d)["spec"]))' \
  >"$work/rendered-rules.yaml"
"$promtool" check rules "$work/rendered-rules.yaml"
python3 -m json.tool "$chart/files/grafana-dashboard.json" >/dev/null
echo "dashboard: $(grep -c '"expr"' "$chart/files/grafana-dashboard.json") queries, valid JSON"
