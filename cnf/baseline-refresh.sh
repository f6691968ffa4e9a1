#!/usr/bin/env bash
# Refreshes the API baseline (cnf/baseline-repo) from the current sources: run it after an intended API change,
# once the changed packages carry their new @Version (docs/build.md, "API baseline").
#   cnf/baseline-refresh.sh            packages the reactor (tests skipped), rewrites cnf/baseline-repo and the
#                                      mmkit.baseline.version property of pom.xml, then checks the new baseline
#   cnf/baseline-refresh.sh -o         the same, Maven offline
# Then commit cnf/baseline-repo and pom.xml together with the API change.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=cnf/baseline-repo
group=mmkit-baseline

mvn -B -q "$@" package -DskipTests -Dbnd.baseline.skip=true
rm -rf "$repo"
version=$(java cnf/baseline/BaselineRepo.java . "$repo" "$group")
sed -i.bak -E "s#<mmkit.baseline.version>[^<]*</mmkit.baseline.version>#<mmkit.baseline.version>${version}</mmkit.baseline.version>#" pom.xml
rm -f pom.xml.bak
grep -q "<mmkit.baseline.version>${version}</mmkit.baseline.version>" pom.xml \
    || { echo "pom.xml has no <mmkit.baseline.version> property to update" >&2; exit 1; }
echo "baseline version ${version}"
# every module must find its new baseline and pass against it (the baseline goal alone, on the packaged jars)
mvn -B -q "$@" package biz.aQute.bnd:bnd-baseline-maven-plugin:baseline@baseline -DskipTests \
    -Dmmkit.baseline.failOnMissing=true
echo "baseline check passed; commit ${repo} and pom.xml"
