"""The local PostgreSQL server programs, run as the cluster's owner (the postgres account when the
tests run as root, as scripts/lib.sh does)."""
import os
import subprocess


def pg_bin(name):
    root = "/usr/lib/postgresql"
    versions = sorted((d for d in os.listdir(root) if d.isdigit()), key=int) if os.path.isdir(root) else []
    for v in reversed(versions):
        if os.access(f"{root}/{v}/bin/{name}", os.X_OK):
            return f"{root}/{v}/bin/{name}"
    return name


def as_owner(argv):
    return ["runuser", "-u", "postgres", "--"] + argv if os.geteuid() == 0 else argv


def pg_ctl(data_dir, *argv):
    return subprocess.run(as_owner([pg_bin("pg_ctl"), "-D", data_dir] + list(argv)), capture_output=True, text=True)
