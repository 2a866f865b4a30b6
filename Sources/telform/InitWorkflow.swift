/// The CI workflow `telform init` writes to `.github/workflows/telform.yml`: examples/ci/telform.yml,
/// byte for byte (a test keeps them equal).
enum InitWorkflow {
    static let text = #"""
        # GitHub Actions: telform in CI.
        #  - on every pull request: validate, check the routing tests (telform.tests.yaml), plan, post
        #    the Markdown plan (with its routing changes drawn as flowcharts) as one comment (updated
        #    on each push), keep the saved plan;
        #  - on merge to main: apply exactly the plan that was reviewed (refused if it went stale);
        #  - nightly: a drift report that fails the job when the live state moved.
        # Copy to .github/workflows/telform.yml in the repository that holds telform.yaml.
        # Secrets: every ${env:NAME} the config uses, as repository secrets of the same name.
        name: telform

        on:
          pull_request:
            paths: ["telform.yaml", "telform.tests.yaml", "teams/**"]
          push:
            branches: [main]
            paths: ["telform.yaml", "telform.tests.yaml", "teams/**"]
          schedule:
            - cron: "17 3 * * *"
          workflow_dispatch: {}

        permissions:
          contents: read
          pull-requests: write

        env:
          # The telform release this repository uses, pinned by its archive's SHA-256
          # (scripts/install.sh --package . makes both; publish the archive where your runners reach it).
          TELFORM_ARCHIVE: https://downloads.example.com/telform/telform-0.1.0-linux-x86_64.tar.gz
          TELFORM_SHA256: replace-with-the-sha256-of-that-archive
          TELFORM_INSTALLER: https://downloads.example.com/telform/0.1.0/install.sh
          OFFICE_TOKEN: ${{ secrets.OFFICE_TOKEN }}
          MTS_TOKEN: ${{ secrets.MTS_TOKEN }}
          MTT_PASSWORD: ${{ secrets.MTT_PASSWORD }}
          RECEPTION_SIP_PASSWORD: ${{ secrets.RECEPTION_SIP_PASSWORD }}

        concurrency:
          group: telform-${{ github.ref }}
          cancel-in-progress: false

        jobs:
          plan:
            if: github.event_name == 'pull_request'
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - name: Install telform
                run: |
                  curl -fsSL -o install.sh "$TELFORM_INSTALLER"
                  sh install.sh --archive "$TELFORM_ARCHIVE" --sha256 "$TELFORM_SHA256" --prefix "$HOME/.local"
                  echo "$HOME/.local/bin" >> "$GITHUB_PATH"
              - name: Validate
                run: telform validate
              - name: Routing tests
                # telform.tests.yaml states what must happen to calls ("the office rings reception
                # after hours"); a change that breaks one fails here, before anyone applies it.
                run: telform test
              - name: Plan
                id: plan
                run: |
                  set +e
                  telform plan -o plan.json --format markdown --detailed-exitcode > plan.md
                  code=$?
                  set -e
                  # 0: no changes, 2: changes; 1 is an error and fails the job.
                  [ "$code" -ne 1 ] || exit 1
                  echo "changes=$([ "$code" -eq 2 ] && echo yes || echo no)" >> "$GITHUB_OUTPUT"
              - name: Comment the plan
                uses: actions/github-script@v7
                with:
                  script: |
                    // One comment per pull request, updated on every push (found by its marker).
                    const fs = require('fs');
                    const marker = '<!-- telform-plan -->';
                    const body = marker + '\n' + fs.readFileSync('plan.md', 'utf8');
                    const comments = await github.paginate(github.rest.issues.listComments, { ...context.repo, issue_number: context.issue.number });
                    const mine = comments.find(c => c.body && c.body.startsWith(marker));
                    if (mine) {
                      await github.rest.issues.updateComment({ ...context.repo, comment_id: mine.id, body });
                    } else {
                      await github.rest.issues.createComment({ ...context.repo, issue_number: context.issue.number, body });
                    }
              - name: Keep the reviewed plan
                uses: actions/upload-artifact@v4
                with:
                  name: telform-plan-${{ github.event.pull_request.head.sha }}
                  path: plan.json

          apply:
            if: github.event_name == 'push'
            runs-on: ubuntu-latest
            # One apply at a time for the whole repository, queued, never cancelled: two applies
            # at once would both create what the file adds (duplicates), and a cancelled apply stops
            # between calls. telform's own lock covers one machine only.
            concurrency:
              group: telform-apply
              cancel-in-progress: false
            environment: production   # a required reviewer here adds a second pair of eyes
            steps:
              - uses: actions/checkout@v4
              - name: Install telform
                run: |
                  curl -fsSL -o install.sh "$TELFORM_INSTALLER"
                  sh install.sh --archive "$TELFORM_ARCHIVE" --sha256 "$TELFORM_SHA256" --prefix "$HOME/.local"
                  echo "$HOME/.local/bin" >> "$GITHUB_PATH"
              - name: Plan what the merge commit declares
                run: telform plan -o plan.json
              # A plan file is the approval: apply refuses it if the config or any live scope changed
              # since it was made, and makes exactly the changes it lists.
              - name: Apply
                run: telform apply plan.json

          drift:
            if: github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - name: Install telform
                run: |
                  curl -fsSL -o install.sh "$TELFORM_INSTALLER"
                  sh install.sh --archive "$TELFORM_ARCHIVE" --sha256 "$TELFORM_SHA256" --prefix "$HOME/.local"
                  echo "$HOME/.local/bin" >> "$GITHUB_PATH"
              - name: Drift report
                run: |
                  set +e
                  telform drift --format markdown > drift.md
                  code=$?
                  set -e
                  cat drift.md >> "$GITHUB_STEP_SUMMARY"
                  # 2: drift found — fail the job so someone looks; 1: an error. Differences the
                  # platform can only report (XiVO contexts) are listed and exit 0 (--strict: 2).
                  exit $code

        """#
}
