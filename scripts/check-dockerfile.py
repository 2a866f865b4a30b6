#!/usr/bin/env python3
# Runs the repository's two-stage Dockerfile where no Docker daemon is available, to check
# that its instructions work as written: every instruction is taken from the Dockerfile's own
# text (parsed with dockerfile-parse from PyPI: `pip install dockerfile-parse`; a check tool,
# never a telform dependency). The build stage runs on this machine, standing for its
# `FROM swift:6.3-bookworm` (Swift 6.3 on Debian bookworm); the runtime stage runs in a chroot
# of a minimal Debian bookworm standing for `debian:bookworm-slim`:
#
#   debootstrap --variant=minbase bookworm /tmp/slim http://deb.debian.org/debian
#   mount -t proc proc /tmp/slim/proc && mount --bind /dev /tmp/slim/dev
#   cp /etc/resolv.conf /tmp/slim/etc/
#   python3 scripts/check-dockerfile.py . /tmp/slim /tmp/dockerfile-work     # as root
#   chroot /tmp/slim /usr/local/bin/telform --help
#
# It is an approximation of `docker build` (the base images are stood for, not pulled), used
# where a daemon is missing; with Docker, `docker build -t telform .` is the real check.

import json, os, shlex, shutil, subprocess, sys
from dockerfile_parse import DockerfileParser

context, rootfs, work = sys.argv[1], sys.argv[2], sys.argv[3]
dfp = DockerfileParser(path=os.path.join(context, "Dockerfile"))
stage = None; cwd = None; entry = None; cmd = None
build_root = os.path.join(work, "build-root")
shutil.rmtree(build_root, ignore_errors=True); os.makedirs(build_root)

def host(path):  # a path of the build stage, kept under build_root
    return os.path.join(build_root, path.lstrip("/"))

def run(line):
    print(f"[{stage}] RUN {line[:100]}", flush=True)
    if stage == "build":
        # absolute paths the command writes (strip -o /telform) stay under build_root
        line = line.replace(" -o /telform ", f" -o {host('/telform')} ")
        rc = subprocess.call(["/bin/sh", "-c", line], cwd=cwd)
    else:
        rc = subprocess.call(["chroot", rootfs, "/bin/sh", "-c", f"cd {cwd or '/'} && {line}"])
    if rc != 0: sys.exit(f"RUN failed ({rc}): {line}")

for instr in dfp.structure:
    op, value = instr["instruction"], instr["value"]
    if op == "COMMENT": continue
    if op == "FROM":
        parts = value.split()
        stage = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else "runtime"
        print(f"FROM {parts[0]} -> stage {stage}", flush=True); cwd = None
    elif op == "RUN": run(value)
    elif op == "WORKDIR":
        cwd = host(value) if stage == "build" else value
        os.makedirs(cwd if stage == "build" else rootfs + value, exist_ok=True)
    elif op == "COPY":
        args = shlex.split(value)
        source_stage = None
        if args[0].startswith("--from="): source_stage = args.pop(0).split("=", 1)[1]
        *sources, dest = args
        for source in sources:
            src = host(source) if source_stage == "build" else os.path.join(context, source)
            if stage == "build":
                target = os.path.join(cwd, dest) if not dest.startswith("/") else host(dest)
            else:
                target = rootfs + (dest if dest.startswith("/") else os.path.join(cwd, dest))
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(target, os.path.basename(source.rstrip("/"))) if dest.endswith("/") and dest != "./" else target, dirs_exist_ok=True)
            else:
                os.makedirs(os.path.dirname(target) if not target.endswith("/") else target, exist_ok=True)
                shutil.copy2(src, target if not target.endswith("/") else os.path.join(target, os.path.basename(source)))
            print(f"[{stage}] COPY {source} -> {dest}", flush=True)
    elif op == "ENTRYPOINT": entry = json.loads(value)
    elif op == "CMD": cmd = json.loads(value)
    else: sys.exit(f"unknown instruction {op}")
print(json.dumps({"entrypoint": entry, "cmd": cmd, "workdir": cwd}))
