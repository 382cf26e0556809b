#!/usr/bin/env bash
# Usage: qgis_profile.sh DIR  - makes a throw-away QGIS profile in DIR with pmiek_werkbank enabled.
set -euo pipefail
dir="$1"
mkdir -p "$dir/profiles/default/QGIS" "$dir/profiles/default/python/plugins"
cat > "$dir/profiles/default/QGIS/QGIS3.ini" <<INI
[PythonPlugins]
pmiek_werkbank=true
processing=true

[qgis]
checkVersion=false
showTips322=false
showTips=false
allowVersionCheck=false
newProjectDefault=false

[core]
NewsFeed\\httpsfeedqgisorg\\disabled=true

[app]
LocaleOverride=false
INI
