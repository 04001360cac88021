# Sourced by benches/http_load.sh and reliability/soak.sh: sets OHA to an oha binary of the
# pinned version, installing it from crates.io into /opt/oha when there is none.
OHA_VERSION=1.16.0
OHA=$(command -v oha || true)
[ -z "$OHA" ] && [ -x /opt/oha/bin/oha ] && OHA=/opt/oha/bin/oha
if [ -z "$OHA" ]; then
  echo "installing oha $OHA_VERSION (cargo install, several minutes)"
  cargo install oha --version "$OHA_VERSION" --locked --root /opt/oha
  OHA=/opt/oha/bin/oha
fi
