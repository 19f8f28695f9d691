#!/usr/bin/env bash
# The pull-request access diff: `.github/access-diff.sh <base commit> <output dir>`, run from the repository root.
# Diffs every stack file the pull request changes against the PR base, or every stack file when the program
# itself changed (then the base is rendered by the base commit's own code, in a worktree). Writes
# <output dir>/comment.md (one comment for the whole PR, with a hidden marker) and <output dir>/verdict:
# "grants new access", "removes access", "no access change" or "failed". Exits 0; the workflow reads the verdict.
set -uo pipefail

base="$1"
out="$(mkdir -p "$2" && cd "$2" && pwd)"
marker='<!-- vendor-access:access-diff -->'
changed="$(git diff --name-only "$base" HEAD)"
# Files whose change can change what a stack grants without touching its stack file.
program_changed=false
if grep -qE '^(index\.ts|Pulumi\.yaml|package(-lock)?\.json|model/|resources/|program/|providers/)' <<<"$changed"; then
  program_changed=true
fi

# Example stacks (`vendor-access:example: true`) are never deployed: `npm run stacks`, where it exists, lists the real ones.
real_stacks="$(npm run --silent stacks 2>/dev/null || true)"
is_real() {
  local name
  name="$(basename "$1" .yaml)"
  [ -z "$real_stacks" ] || node -e 'process.exit(JSON.parse(process.argv[1]).includes(process.argv[2]) ? 0 : 1)' \
    "$real_stacks" "${name#Pulumi.}"
}

stacks=()
if $program_changed; then
  for file in Pulumi.*.yaml; do [ -e "$file" ] && is_real "$file" && stacks+=("$file"); done
else
  while IFS= read -r file; do
    [[ "$file" =~ ^Pulumi\.[^/]+\.yaml$ && -e "$file" ]] && is_real "$file" && stacks+=("$file")
  done <<<"$changed"
fi

if $program_changed; then
  git worktree add --detach "$out/base" "$base" >/dev/null 2>&1
  (cd "$out/base" && npm ci --no-audit --no-fund >/dev/null 2>&1)
fi

verdicts=()
parts=()
for file in "${stacks[@]}"; do
  name="$(basename "$file" .yaml)"
  args=(--base-ref "$base")
  # The base commit's own program renders the base, so a change to a vendor profile shows up too.
  if $program_changed && git cat-file -e "$base:$file" 2>/dev/null &&
    (cd "$out/base" && npm run -s synth -- --config-file "$file" --json "$out/$name.base.json" --quiet >/dev/null 2>&1 ||
      test -s "$out/$name.base.json"); then
    args=(--base-ref "$base" --base "$out/$name.base.json")
  fi
  npm run -s access-diff -- "${args[@]}" --head "$file" --markdown "$out/$name.md" --json "$out/$name.json" \
    >"$out/$name.log" 2>&1
  code=$?
  case $code in
    0) verdicts+=("$(node -p "require('$out/$name.json').verdict")") ;;
    3) verdicts+=("grants new access") ;;
    *)
      verdicts+=("failed")
      printf '**Access diff for `%s` failed** (exit %s):\n\n```\n%s\n```\n' "$file" "$code" "$(tail -n 30 "$out/$name.log")" >"$out/$name.md"
      ;;
  esac
  parts+=("$out/$name.md")
done

for file in $(git diff --name-only --diff-filter=D "$base" HEAD | grep -E '^Pulumi\.[^/]+\.yaml$'); do
  parts+=("$out/$(basename "$file" .yaml).removed.md")
  printf '**`%s` removed**: destroying that stack revokes every grant it made.\n' "$file" >"${parts[-1]}"
done

verdict="no access change"
for v in "${verdicts[@]}"; do
  case "$v" in
    failed) verdict="failed" ;;
    "grants new access") [ "$verdict" != failed ] && verdict="$v" ;;
    "removes access") [ "$verdict" = "no access change" ] && verdict="$v" ;;
  esac
done
echo "$verdict" >"$out/verdict"

{
  echo "$marker"
  echo "## Access diff: $verdict"
  echo
  if [ ${#parts[@]} -eq 0 ]; then echo "No stack file or program change: nothing to diff."; fi
  for part in "${parts[@]}"; do
    cat "$part"
    echo
  done
  echo "<sub>\`npm run access-diff\` against ${base:0:12}; see the README's \"Access diff on pull requests\".</sub>"
} >"$out/comment.md"

if $program_changed; then git worktree remove --force "$out/base" >/dev/null 2>&1; fi
exit 0
