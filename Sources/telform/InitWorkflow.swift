/// The CI workflow `telform init` writes to `.github/workflows/telform.yml`: examples/ci/telform.yml,
/// byte for byte (a test keeps them equal).
enum InitWorkflow {
    static let text = #"""
        # GitHub Actions: telform in CI.
        #  - pull request from a branch of this repository: validate, the routing tests
        #    (telform.tests.yaml), a plan of the real APIs posted as one comment (updated on each
        #    push; routing changes drawn as flowcharts), and that plan saved for the merge;
        #  - pull request from a fork: no secret reaches it (GitHub gives a fork's run none, and this
        #    workflow asks for none there): validate, the routing tests and a plan on the embedded
        #    simulators (plan --on-simulators), in the job's summary;
        #  - merge to main: validate and the routing tests again, then apply the plan reviewed on the
        #    pull request (apply --reviewed: refused, changing nothing, if what main plans now differs);
        #  - nightly: a drift report that fails the job when the live state moved.
        # Copy to .github/workflows/telform.yml in the repository that holds telform.yaml.
        # Secrets: every ${env:NAME} the config uses, as repository secrets of the same name.
        # paths: every file the config reads, as `telform validate --files` lists them (but secrets/,
        # which stays out of git).
        name: telform

        on:
          pull_request:
            paths: ["telform.yaml", "telform.tests.yaml", "teams/**", "prompts/**", "seeds/**"]
          push:
            branches: [main]
            paths: ["telform.yaml", "telform.tests.yaml", "teams/**", "prompts/**", "seeds/**"]
          schedule:
            - cron: "17 3 * * *"
          workflow_dispatch: {}

        # Nothing by default; each job asks for what it uses.
        permissions: {}

        env:
          # The telform release this repository uses, pinned by its archive's SHA-256, and the
          # installer, pinned by its own (scripts/install.sh --package . makes the archive and its
          # .sha256; publish both, with install.sh, where your runners reach them).
          TELFORM_ARCHIVE: https://downloads.example.com/telform/telform-0.1.0-linux-x86_64.tar.gz
          TELFORM_SHA256: replace-with-the-sha256-of-that-archive
          TELFORM_INSTALLER: https://downloads.example.com/telform/0.1.0/install.sh
          TELFORM_INSTALLER_SHA256: replace-with-the-sha256-of-that-install.sh

        concurrency:
          group: telform-${{ github.ref }}
          cancel-in-progress: false

        jobs:
          plan:
            # Branches of this repository only: this job holds the secrets.
            if: github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository
            runs-on: ubuntu-latest
            permissions:
              contents: read
              pull-requests: write   # the plan comment
            env:
              OFFICE_TOKEN: ${{ secrets.OFFICE_TOKEN }}
              MTS_TOKEN: ${{ secrets.MTS_TOKEN }}
              MTT_PASSWORD: ${{ secrets.MTT_PASSWORD }}
              RECEPTION_SIP_PASSWORD: ${{ secrets.RECEPTION_SIP_PASSWORD }}
            steps:
              - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
                with:
                  persist-credentials: false
              - name: Install telform
                run: |
                  curl -fsSL -o install.sh "$TELFORM_INSTALLER"
                  echo "$TELFORM_INSTALLER_SHA256  install.sh" | sha256sum -c -
                  sh install.sh --archive "$TELFORM_ARCHIVE" --sha256 "$TELFORM_SHA256" --prefix "$HOME/.local"
                  echo "$HOME/.local/bin" >> "$GITHUB_PATH"
              - name: Validate
                run: telform validate
              - name: Routing tests
                # telform.tests.yaml states what must happen to calls ("the office rings reception
                # after hours"); a change that breaks one fails here, before anyone applies it.
                run: telform test
              - name: Plan
                # The comment and the saved plan are one plan: what is reviewed is what merge applies.
                run: |
                  set +e
                  telform plan -o plan.json --format markdown --detailed-exitcode > plan.md
                  code=$?
                  set -e
                  # 0: no changes, 2: changes; 1 is an error and fails the job.
                  [ "$code" -ne 1 ] || exit 1
              - name: Comment the plan
                uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1
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
                uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2
                with:
                  name: telform-plan-${{ github.event.pull_request.head.sha }}
                  path: plan.json
                  retention-days: 30

          check-fork:
            # Pull requests from forks: no secret, no url called.
            if: github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name != github.repository
            runs-on: ubuntu-latest
            permissions:
              contents: read
            steps:
              - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
                with:
                  persist-credentials: false
              - name: Install telform
                run: |
                  curl -fsSL -o install.sh "$TELFORM_INSTALLER"
                  echo "$TELFORM_INSTALLER_SHA256  install.sh" | sha256sum -c -
                  sh install.sh --archive "$TELFORM_ARCHIVE" --sha256 "$TELFORM_SHA256" --prefix "$HOME/.local"
                  echo "$HOME/.local/bin" >> "$GITHUB_PATH"
              - name: Validate
                run: telform validate
              - name: Routing tests
                run: telform test
              - name: Plan on the embedded simulators
                run: |
                  set +e
                  telform plan --on-simulators --format markdown > plan.md
                  code=$?
                  set -e
                  cat plan.md >> "$GITHUB_STEP_SUMMARY"
                  exit $code

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
            permissions:
              contents: read
              actions: read          # the pull request's saved plan (an artifact)
              pull-requests: read    # which pull request this commit merged
            env:
              OFFICE_TOKEN: ${{ secrets.OFFICE_TOKEN }}
              MTS_TOKEN: ${{ secrets.MTS_TOKEN }}
              MTT_PASSWORD: ${{ secrets.MTT_PASSWORD }}
              RECEPTION_SIP_PASSWORD: ${{ secrets.RECEPTION_SIP_PASSWORD }}
            steps:
              - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
                with:
                  persist-credentials: false
              - name: Install telform
                run: |
                  curl -fsSL -o install.sh "$TELFORM_INSTALLER"
                  echo "$TELFORM_INSTALLER_SHA256  install.sh" | sha256sum -c -
                  sh install.sh --archive "$TELFORM_ARCHIVE" --sha256 "$TELFORM_SHA256" --prefix "$HOME/.local"
                  echo "$HOME/.local/bin" >> "$GITHUB_PATH"
              - name: Validate
                run: telform validate
              - name: Routing tests
                run: telform test
              - name: The plan reviewed on the pull request
                env:
                  GH_TOKEN: ${{ github.token }}
                run: |
                  # The pull request this commit merged, and the plan its last push saved.
                  head="$(gh api "repos/$GITHUB_REPOSITORY/commits/$GITHUB_SHA/pulls" --jq '.[0].head.sha // empty')"
                  [ -n "$head" ] || { echo "no pull request merged $GITHUB_SHA: nothing was reviewed, so nothing is applied" >&2; exit 1; }
                  id="$(gh api "repos/$GITHUB_REPOSITORY/actions/artifacts?name=telform-plan-$head" --jq '.artifacts[0].id // empty')"
                  [ -n "$id" ] || { echo "no saved plan for $head (the plan job did not run or its artifact expired): plan the pull request again" >&2; exit 1; }
                  gh api "repos/$GITHUB_REPOSITORY/actions/artifacts/$id/zip" > reviewed.zip
                  mkdir -p reviewed && unzip -o -q reviewed.zip plan.json -d reviewed
              # Planned afresh here and applied only when its changes are the reviewed ones (the same
              # addresses, effects and values; secrets by digest); otherwise the job fails listing
              # the differences, and nothing is changed.
              - name: Apply the reviewed plan
                run: telform apply --reviewed reviewed/plan.json

          drift:
            if: github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'
            runs-on: ubuntu-latest
            permissions:
              contents: read
            env:
              OFFICE_TOKEN: ${{ secrets.OFFICE_TOKEN }}
              MTS_TOKEN: ${{ secrets.MTS_TOKEN }}
              MTT_PASSWORD: ${{ secrets.MTT_PASSWORD }}
            steps:
              - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
                with:
                  persist-credentials: false
              - name: Install telform
                run: |
                  curl -fsSL -o install.sh "$TELFORM_INSTALLER"
                  echo "$TELFORM_INSTALLER_SHA256  install.sh" | sha256sum -c -
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
                  # Reading needs no password: drift asks only for the credentials.
                  exit $code

        """#
}
