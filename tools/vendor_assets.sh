#!/usr/bin/env bash
# Vendor front-end assets into shipei/core/static/vendor/ so pages need no CDN.
#
# Downloads the npm tarballs with `npm pack` into a throw-away temp directory
# (no node_modules / package.json is ever created in the repository), copies the
# needed files, strips `sourceMappingURL` comments (the .map files are not
# vendored), checks that no CSS pulls anything from an external URL, and
# regenerates VERSIONS.md.
#
# Usage:
#   tools/vendor_assets.sh                 # use the pinned versions below
#   BOOTSTRAP_VERSION=5.3 tools/vendor_assets.sh   # any npm version/range works
#
# To update: find the new version (e.g. `npm view bootstrap@5.3 version`),
# change the pin below, run the script, review `git diff`, and commit the
# result (including VERSIONS.md).
#
# Requires: bash, npm (Node >= 18), tar, sha256sum.
set -euo pipefail

# ---- pinned versions (npm version or range accepted) -----------------------
BOOTSTRAP_VERSION="${BOOTSTRAP_VERSION:-5.3.9}"          # keep on 5.3.x
BOOTSTRAP_ICONS_VERSION="${BOOTSTRAP_ICONS_VERSION:-1.13.2}"
HTMX_VERSION="${HTMX_VERSION:-2.0.11}"                   # keep on 2.x (npm "latest" is 4.x)
ECHARTS_VERSION="${ECHARTS_VERSION:-6.1.0}"
AXE_CORE_VERSION="${AXE_CORE_VERSION:-4.14.1}"
# -----------------------------------------------------------------------------

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
DEST="${VENDOR_DEST:-$REPO_ROOT/shipei/core/static/vendor}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vendor-npm.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
STAGE="$WORK/stage"
mkdir -p "$STAGE"

# Resolved versions, filled in by fetch().
declare -A RESOLVED

# fetch <npm-package> <version-spec>: npm pack + extract into $WORK/<pkg>/package
fetch() {
    local pkg="$1" spec="$2" tgz dir
    dir="$WORK/src/$pkg"
    mkdir -p "$dir"
    echo ">> npm pack $pkg@$spec" >&2
    tgz="$(cd "$dir" && npm pack --silent "$pkg@$spec" | tail -n 1)"
    [ -f "$dir/$tgz" ] || { echo "npm pack $pkg@$spec failed" >&2; exit 1; }
    tar -xzf "$dir/$tgz" -C "$dir"
    RESOLVED[$pkg]="$(node -p "require('$dir/package/package.json').version")"
    echo "   -> $pkg ${RESOLVED[$pkg]}" >&2
}

src() { echo "$WORK/src/$1/package"; }

# copy <src-file> <dest-relative-path>
copy() {
    mkdir -p "$(dirname "$STAGE/$2")"
    cp "$1" "$STAGE/$2"
}

fetch bootstrap "$BOOTSTRAP_VERSION"
fetch bootstrap-icons "$BOOTSTRAP_ICONS_VERSION"
fetch htmx.org "$HTMX_VERSION"
fetch echarts "$ECHARTS_VERSION"
fetch axe-core "$AXE_CORE_VERSION"

case "${RESOLVED[bootstrap]}" in 5.3.*) ;; *) echo "bootstrap must be 5.3.x, got ${RESOLVED[bootstrap]}" >&2; exit 1;; esac
case "${RESOLVED[htmx.org]}" in 2.*) ;; *) echo "htmx.org must be 2.x, got ${RESOLVED[htmx.org]}" >&2; exit 1;; esac

# --- Bootstrap ---
S="$(src bootstrap)"
copy "$S/dist/css/bootstrap.min.css"          bootstrap/bootstrap.min.css
copy "$S/dist/js/bootstrap.bundle.min.js"     bootstrap/bootstrap.bundle.min.js
copy "$S/LICENSE"                             bootstrap/LICENSE

# --- Bootstrap Icons (CSS refers to url("fonts/bootstrap-icons.woff2?...")) ---
S="$(src bootstrap-icons)"
copy "$S/font/bootstrap-icons.min.css"        bootstrap-icons/bootstrap-icons.min.css
copy "$S/font/fonts/bootstrap-icons.woff2"    bootstrap-icons/fonts/bootstrap-icons.woff2
copy "$S/font/fonts/bootstrap-icons.woff"     bootstrap-icons/fonts/bootstrap-icons.woff
copy "$S/LICENSE"                             bootstrap-icons/LICENSE

# --- htmx ---
S="$(src htmx.org)"
copy "$S/dist/htmx.min.js"                    htmx/htmx.min.js
copy "$S/LICENSE"                             htmx/LICENSE

# --- ECharts (Apache-2.0: ship NOTICE too) ---
S="$(src echarts)"
copy "$S/dist/echarts.common.min.js"          echarts/echarts.common.min.js
copy "$S/LICENSE"                             echarts/LICENSE
copy "$S/NOTICE"                              echarts/NOTICE

# --- axe-core (browser tests only) ---
S="$(src axe-core)"
copy "$S/axe.min.js"                          axe/axe.min.js
copy "$S/LICENSE"                             axe/LICENSE
[ -f "$S/LICENSE-3RD-PARTY.txt" ] && copy "$S/LICENSE-3RD-PARTY.txt" axe/LICENSE-3RD-PARTY.txt

# --- Strip source-map comments (the .map files are not vendored) ---
# Only whole-line comments are removed:  //# sourceMappingURL=...  and
# /*# sourceMappingURL=... */  (also the legacy //@ form).
find "$STAGE" -type f \( -name '*.js' -o -name '*.css' \) -print0 |
    xargs -0 perl -0pi -e '
        s{^[ \t]*//[#@][ \t]*sourceMappingURL=\S*[ \t]*\n?}{}mg;
        s{^[ \t]*/\*[#@][ \t]*sourceMappingURL=[^*]*\*/[ \t]*\n?}{}mg;
        s{\n+\z}{\n};
    '

# --- Checks: nothing a browser would fetch from outside ---
fail=0
if grep -rl 'sourceMappingURL' "$STAGE" --include='*.js' --include='*.css'; then
    echo "ERROR: sourceMappingURL left in the files above" >&2; fail=1
fi
# CSS: every url(...) must be data: or a relative path; no @import at all.
if grep -rEo 'url\(\s*["'"'"']?\s*(https?:)?//[^)]*' "$STAGE" --include='*.css'; then
    echo "ERROR: external url() in CSS" >&2; fail=1
fi
if grep -rEl '@import' "$STAGE" --include='*.css'; then
    echo "ERROR: @import in CSS" >&2; fail=1
fi
# Relative CSS url()s must point at files that exist (e.g. the icon fonts).
while IFS= read -r css; do
    for ref in $(grep -oE 'url\(\s*["'"'"']?[^"'"'"')]+' "$css" | sed -E 's/^url\(\s*["'"'"']?//' | grep -v '^data:' | sed -E 's/[?#].*$//' | sort -u); do
        if [ ! -f "$(dirname "$css")/$ref" ]; then
            echo "ERROR: $css refers to missing $ref" >&2; fail=1
        fi
    done
done < <(find "$STAGE" -name '*.css')
[ "$fail" -eq 0 ] || { echo "Checks failed; $DEST left unchanged." >&2; exit 1; }

# --- Install into DEST (only the folders this script owns) ---
mkdir -p "$DEST"
for d in bootstrap bootstrap-icons htmx echarts axe; do
    rm -rf "${DEST:?}/$d"
    cp -R "$STAGE/$d" "$DEST/$d"
done

# --- VERSIONS.md ---
row() { # row <package> <file-relative-to-DEST> <spec-for-refresh>
    local pkg="$1" file="$2" var="$3" v size sha
    v="${RESOLVED[$pkg]}"
    size="$(wc -c < "$DEST/$file" | tr -d ' ')"
    sha="$(sha256sum "$DEST/$file" | cut -c1-16)"
    printf '| `%s` | %s | `%s` | %s | `%s…` | `npm view %s version` → `%s=<ver> tools/vendor_assets.sh` |\n' \
        "$pkg" "$v" "$file" "$size" "$sha" "$4" "$var"
}
{
    echo "# Vendored front-end assets"
    echo
    echo "Generated by \`tools/vendor_assets.sh\` — do not edit by hand; re-run the script instead."
    echo "Files come from the npm registry tarballs (\`npm pack\`), unmodified except that"
    echo "\`sourceMappingURL\` comments were stripped (the \`.map\` files are not vendored)."
    echo "No vendored CSS loads anything from an external URL; the icon fonts are"
    echo "referenced relatively (\`bootstrap-icons/fonts/…\`)."
    echo
    echo "| Package | Version | File | Bytes | sha256 (prefix) | Refresh |"
    echo "|---|---|---|---|---|---|"
    row bootstrap       bootstrap/bootstrap.min.css                 BOOTSTRAP_VERSION       'bootstrap@5.3'
    row bootstrap       bootstrap/bootstrap.bundle.min.js           BOOTSTRAP_VERSION       'bootstrap@5.3'
    row bootstrap-icons bootstrap-icons/bootstrap-icons.min.css     BOOTSTRAP_ICONS_VERSION 'bootstrap-icons'
    row bootstrap-icons bootstrap-icons/fonts/bootstrap-icons.woff2 BOOTSTRAP_ICONS_VERSION 'bootstrap-icons'
    row bootstrap-icons bootstrap-icons/fonts/bootstrap-icons.woff  BOOTSTRAP_ICONS_VERSION 'bootstrap-icons'
    row htmx.org        htmx/htmx.min.js                            HTMX_VERSION            'htmx.org@2'
    row echarts         echarts/echarts.common.min.js               ECHARTS_VERSION         'echarts'
    row axe-core        axe/axe.min.js                              AXE_CORE_VERSION        'axe-core'
    echo
    echo "Licenses: each folder has the package's \`LICENSE\` (ECharts also \`NOTICE\`,"
    echo "axe-core also \`LICENSE-3RD-PARTY.txt\`)."
    echo "Bootstrap, Bootstrap Icons: MIT. htmx: 0BSD. ECharts: Apache-2.0. axe-core: MPL-2.0."
    echo
    echo "\`axe/axe.min.js\` is only for browser (accessibility) tests; do not include it in pages."
    echo
    echo "## Updating"
    echo
    echo '```sh'
    echo "npm view bootstrap@5.3 version     # keep Bootstrap on 5.3.x"
    echo "npm view htmx.org@2 version        # keep htmx on 2.x (npm 'latest' tag is a newer major)"
    echo "npm view bootstrap-icons version"
    echo "npm view echarts version"
    echo "npm view axe-core version"
    echo "# then either edit the pins at the top of tools/vendor_assets.sh, or one-off:"
    echo "BOOTSTRAP_VERSION=5.3.x HTMX_VERSION=2.0.x tools/vendor_assets.sh"
    echo '```'
    echo
    echo "The script works in a temporary directory (\`npm pack\`), so no \`node_modules\`"
    echo "or \`package.json\` ends up in the repository."
} > "$DEST/VERSIONS.md"

echo ">> Vendored into $DEST:" >&2
for p in bootstrap bootstrap-icons htmx.org echarts axe-core; do
    echo "   $p ${RESOLVED[$p]}" >&2
done
du -sh "$DEST" >&2
