#!/usr/bin/env bash
# examples/prometheus-alerts.yml: valid for Prometheus (promtool check rules), and every fabu metric it
# names is one fabud exports (daemon/*metrics*.cpp and daemon/readiness.cpp write the /metrics text).
#   tests/alert_rules_test.sh SOURCE_DIR
set -euo pipefail
src="${1:?usage: alert_rules_test.sh SOURCE_DIR}"
rules="$src/examples/prometheus-alerts.yml"
promtool check rules "$rules"
missing=0
for metric in $(grep -o 'fabu_[a-z_]*' "$rules" | sort -u); do
  if ! grep -q "\"$metric[{ \"]\|\"$metric\"\|$metric{\|# TYPE $metric " "$src"/daemon/*metrics*.cpp "$src"/daemon/readiness.cpp; then
    echo "alert rules name $metric, which fabud does not export" >&2
    missing=1
  fi
done
exit "$missing"
