#!/usr/bin/env bats
# uwsgi-server's configuration: one option table read from the command
# line, ini files (libinih), XML files (expat) and UWSGI_* variables, seen
# through --show-config (the resolved configuration as an ini section).
# The same settings given four ways print the same thing; repeatable
# options accumulate, scalar ones take the last value; every error is one
# line naming where it came from; --show-config reads back to itself.

bats_require_minimum_version 1.5.0
load helpers/common

TABLE=$UP_ROOT/bin/uwsgi-server/config_table.c

setup() {
	# A stray UWSGI_* variable of the caller would change every result.
	local v
	for v in $(compgen -e | grep '^UWSGI_' || true); do unset "$v"; done
	cd "$BATS_TEST_TMPDIR"
}

srv() { "$UP_BIN/uwsgi-server" "$@"; }

# Every option that --show-config prints, as "name value" ("name" alone
# for a flag), in table order (the first test checks none is missing).
SETTINGS=(
	"socket 127.0.0.1:3031"
	"http-socket [::1]:8080"
	"listen 64"
	"chmod-socket 660"
	"vacuum"
	"no-defer-accept"
	"master"
	"processes 4"
	"threads 2"
	"enable-threads"
	"lazy-apps"
	"single-interpreter"
	"wsgi-file app.py"
	"module pkg.app:make"
	"callable app"
	"mount /api=api.py"
	"dynamic-apps"
	"max-apps 16"
	"manage-script-name"
	"chdir /srv/app"
	"pythonpath /srv/lib"
	"home /srv/venv"
	"env GREETING=hello world"
	"paste config:/srv/paste.ini"
	"harakiri 30"
	"harakiri-verbose"
	"max-requests 1000"
	"min-worker-lifetime 5"
	"reload-on-as 512"
	"reload-on-rss 256"
	"evil-reload-on-rss 300"
	"limit-as 1024"
	"reload-mercy 20"
	"worker-reload-mercy 15"
	"master-fifo /run/app.fifo"
	"touch-reload /srv/app/reload"
	"management-allow 10.0.0.0/8"
	"cheaper 2"
	"cheaper-initial 3"
	"cheaper-step 2"
	"cheaper-overload 5"
	"reaper"
	"stats 127.0.0.1:9191"
	"stats-http"
	"buffer-size 8192"
	"socket-timeout 30"
	"limit-post 1048576"
	"post-buffering 65536"
	"logto /var/log/app.log"
	"log-format %(addr) %(method) %(uri) %(status)"
	"disable-logging"
	"memory-report"
	"static-map /static=/srv/static"
	"check-static /srv/public"
	"pidfile /run/app.pid"
	"daemonize /var/log/daemon.log"
	"uid www-data"
	"gid www-data"
	"die-on-term"
	"locks 4"
	"sharedarea 2"
	"cache 100"
	"cache-blocksize 4096"
	"cache2 name=sessions,items=50,blocksize=1024"
	"spooler /var/spool/app"
	"spooler-processes 3"
	"spooler-frequency 10"
	"profiler pycall"
	"profiler-dir /var/tmp/profiles"
	"profiler-keep 20"
)

# What --show-config prints for SETTINGS, written out by hand.
EXPECTED='[uwsgi]
socket = 127.0.0.1:3031
http-socket = [::1]:8080
listen = 64
chmod-socket = 660
vacuum = true
no-defer-accept = true
master = true
processes = 4
threads = 2
enable-threads = true
lazy-apps = true
single-interpreter = true
wsgi-file = app.py
module = pkg.app:make
callable = app
mount = /api=api.py
dynamic-apps = true
max-apps = 16
manage-script-name = true
chdir = /srv/app
pythonpath = /srv/lib
home = /srv/venv
env = GREETING=hello world
paste = config:/srv/paste.ini
harakiri = 30
harakiri-verbose = true
max-requests = 1000
min-worker-lifetime = 5
reload-on-as = 512
reload-on-rss = 256
evil-reload-on-rss = 300
limit-as = 1024
reload-mercy = 20
worker-reload-mercy = 15
master-fifo = /run/app.fifo
touch-reload = /srv/app/reload
management-allow = 10.0.0.0/8
cheaper = 2
cheaper-initial = 3
cheaper-step = 2
cheaper-overload = 5
reaper = true
stats = 127.0.0.1:9191
stats-http = true
buffer-size = 8192
socket-timeout = 30
limit-post = 1048576
post-buffering = 65536
logto = /var/log/app.log
log-format = %(addr) %(method) %(uri) %(status)
disable-logging = true
memory-report = true
static-map = /static=/srv/static
check-static = /srv/public
pidfile = /run/app.pid
daemonize = /var/log/daemon.log
uid = www-data
gid = www-data
die-on-term = true
locks = 4
sharedarea = 2
cache = 100
cache-blocksize = 4096
cache2 = name=sessions,items=50,blocksize=1024
spooler = /var/spool/app
spooler-processes = 3
spooler-frequency = 10
profiler = pycall
profiler-dir = /var/tmp/profiles
profiler-keep = 20'

# The defaults alone.
DEFAULTS='[uwsgi]
listen = 100
processes = 1
threads = 1
callable = application
max-apps = 64
harakiri = 0
max-requests = 0
min-worker-lifetime = 0
reload-on-as = 0
reload-on-rss = 0
evil-reload-on-rss = 0
limit-as = 0
reload-mercy = 60
worker-reload-mercy = 60
cheaper = 0
cheaper-initial = 0
cheaper-step = 1
cheaper-overload = 3
buffer-size = 4096
socket-timeout = 4
limit-post = 0
post-buffering = 0
locks = 0
sharedarea = 0
cache = 0
cache-blocksize = 65536
spooler-processes = 1
spooler-frequency = 30
profiler-keep = 100'

# The one stderr line of the last `run --separate-stderr`: exit 1, nothing
# on stdout, exactly "uwsgi-server: MESSAGE" on stderr.
assert_config_error() {
	assert_failure 1
	if [ -n "$output" ] || [ "${#stderr_lines[@]}" -ne 1 ] \
		|| [ "$stderr" != "uwsgi-server: $1" ]; then
		printf 'expected only "uwsgi-server: %s" on stderr, got:\n%s\nstdout:\n%s\n' \
			"$1" "$stderr" "$output" >&2
		return 1
	fi
}

# fails_with MESSAGE CMD...: CMD fails as assert_config_error wants.
fails_with() {
	local msg=$1
	shift
	run --separate-stderr "$@"
	assert_config_error "$msg"
}

@test "with nothing given --show-config prints the defaults" {
	run --separate-stderr srv --show-config
	assert_success
	assert_output "$DEFAULTS"
	[ -z "$stderr" ]
}

@test "the same settings as flags, ini, XML and UWSGI_* variables print the same" {
	local s name value args=() envs=() ini=app.ini xml=app.xml
	# A new row of the table must join SETTINGS (and EXPECTED).
	for name in $(grep -E '^\s*\{ GROUP_[A-Z]+, "[a-z0-9-]+"' "$TABLE" | grep -v 'ALIAS(' \
			| grep -oE '^\s*\{ GROUP_[A-Z]+, "[a-z0-9-]+"' | grep -oE '[a-z0-9-]+"$' | tr -d '"'); do
		case $name in ini | xml | show-config | help | version) continue ;; esac
		printf '%s\n' "${SETTINGS[@]}" | grep -qE "^$name( |\$)" \
			|| { echo "SETTINGS lacks the option $name" >&2; return 1; }
	done
	echo "[uwsgi]" >"$ini"
	echo "<uwsgi>" >"$xml"
	for s in "${SETTINGS[@]}"; do
		name=${s%% *}
		if [ "$name" = "$s" ]; then
			args+=("--$name")
			echo "$name = true" >>"$ini"
			echo "  <$name/>" >>"$xml"
			envs+=("UWSGI_$(echo "${name//-/_}" | tr a-z A-Z)=true")
		else
			value=${s#* }
			# --chmod-socket's value is optional, so it must be attached.
			args+=("--$name=$value")
			echo "$name = $value" >>"$ini"
			echo "  <$name>$value</$name>" >>"$xml"
			envs+=("UWSGI_$(echo "${name//-/_}" | tr a-z A-Z)=$value")
		fi
	done
	echo "</uwsgi>" >>"$xml"

	run --separate-stderr srv --show-config "${args[@]}"
	assert_success
	assert_output "$EXPECTED"
	run --separate-stderr srv --show-config --ini "$ini"
	assert_success
	assert_output "$EXPECTED"
	run --separate-stderr srv --show-config --xml "$xml"
	assert_success
	assert_output "$EXPECTED"
	run --separate-stderr env "${envs[@]}" "$UP_BIN/uwsgi-server" --show-config
	assert_success
	assert_output "$EXPECTED"
}

@test "aliases, short letters and '_' in keys set the same options" {
	printf '<uwsgi><threads>2</threads></uwsgi>\n' >t.xml
	run --separate-stderr srv --show-config -s :1 -M -p 3 -w m -H /v -L \
		-b 512 -l 7 -z 9 -T -i -m -C -d /tmp/d.log -x t.xml
	assert_success
	local short=$output
	assert_line "socket = :1"
	assert_line "processes = 3"
	assert_line "module = m"
	assert_line "home = /v"
	assert_line "buffer-size = 512"
	assert_line "listen = 7"
	assert_line "socket-timeout = 9"
	assert_line "chmod-socket = 666"
	assert_line "daemonize = /tmp/d.log"
	assert_line "threads = 2"
	for f in master disable-logging enable-threads single-interpreter memory-report; do
		assert_line "$f = true"
	done
	run --separate-stderr srv --show-config --uwsgi-socket :1 --master --workers 3 \
		--wsgi m --virtualenv /v --disable-logging --buffer-size 512 --listen 7 \
		--socket-timeout 9 --enable-threads --single-interpreter --memory-report \
		--chmod-socket --daemonize /tmp/d.log --xml t.xml
	assert_success
	assert_output "$short"
	cat >a.ini <<-'EOF'
	[uwsgi]
	uwsgi_socket = :1
	master
	workers = 3
	wsgi = m
	pyhome = /v
	disable_logging = yes
	buffer_size = 512
	listen = 7
	socket_timeout = 9
	enable-threads = on
	single-interpreter = 1
	memory_report = TRUE
	chmod-socket =
	daemonize = /tmp/d.log
	xml = t.xml
	EOF
	run --separate-stderr srv --show-config --ini a.ini
	assert_success
	assert_output "$short"
	# The remaining aliases.
	run --separate-stderr srv --show-config --http11-socket :2 --file f.py \
		--python-path /a --pp /b --venv /c --logformat F
	assert_success
	assert_line "http-socket = :2"
	assert_line "wsgi-file = f.py"
	assert_line "pythonpath = /a"
	assert_line "pythonpath = /b"
	assert_line "home = /c"
	assert_line "log-format = F"
}

@test "--opt=value, --opt value and -oVALUE are the same" {
	run srv --show-config --processes=5 --socket=:1 -b2048 -C640
	assert_success
	assert_line "processes = 5"
	assert_line "socket = :1"
	assert_line "buffer-size = 2048"
	assert_line "chmod-socket = 640"
	run srv --show-config --processes 5 --socket :1 -b 2048 --chmod-socket=640
	assert_success
	assert_line "processes = 5"
	assert_line "buffer-size = 2048"
	assert_line "chmod-socket = 640"
}

@test "repeated keys and flags accumulate, in order, across all sources" {
	cat >two.ini <<-'EOF'
	[uwsgi]
	socket = /tmp/a.sock
	socket = 127.0.0.1:3031
	env = A=1
	env = B=2
	static-map = /s=/srv/s
	static-map = /t=/srv/t
	EOF
	cat >two.xml <<-'EOF'
	<uwsgi>
	  <http-socket>:8080</http-socket>
	  <pythonpath>/x</pythonpath>
	  <pythonpath>/y</pythonpath>
	</uwsgi>
	EOF
	run --separate-stderr env UWSGI_SOCKET=:1 "$UP_BIN/uwsgi-server" --show-config \
		--socket :2 --ini two.ini --env C=3 --env D=4 --xml two.xml --mount /m=m.py \
		--mount /n=n.py --check-static /c1 --check-static /c2 --pp /z
	assert_success
	[ "$(grep -E '^(http-)?socket = ' <<<"$output")" = "socket = :1
socket = :2
socket = /tmp/a.sock
socket = 127.0.0.1:3031
http-socket = :8080" ]
	[ "$(grep '^env = ' <<<"$output")" = "env = A=1
env = B=2
env = C=3
env = D=4" ]
	[ "$(grep '^pythonpath = ' <<<"$output")" = "pythonpath = /x
pythonpath = /y
pythonpath = /z" ]
	[ "$(grep -c '^static-map = ' <<<"$output")" = 2 ]
	[ "$(grep -c '^mount = ' <<<"$output")" = 2 ]
	[ "$(grep -c '^check-static = ' <<<"$output")" = 2 ]
}

@test "scalar options: the last value wins, in command-line order around files" {
	cat >base.ini <<-'EOF'
	[uwsgi]
	processes = 4
	master = true
	callable = from_ini
	EOF
	run srv --show-config --ini base.ini --processes 8 --callable late
	assert_success
	assert_line "processes = 8"
	assert_line "callable = late"
	assert_line "master = true"
	run srv --show-config --processes 8 --callable early --ini base.ini
	assert_success
	assert_line "processes = 4"
	assert_line "callable = from_ini"
	# The environment comes first of all, whatever its place.
	run env UWSGI_PROCESSES=2 "$UP_BIN/uwsgi-server" --show-config
	assert_line "processes = 2"
	run env UWSGI_PROCESSES=2 "$UP_BIN/uwsgi-server" --show-config --ini base.ini
	assert_line "processes = 4"
	# A later false clears an earlier flag.
	printf '[uwsgi]\nmaster = off\nvacuum = no\nlazy-apps = 0\n' >off.ini
	run srv --show-config --master --vacuum --lazy-apps --ini off.ini
	assert_success
	refute_line --regexp '^(master|vacuum|lazy-apps) ='
	run env UWSGI_MASTER=false "$UP_BIN/uwsgi-server" --show-config
	refute_line --regexp '^master ='
}

@test "--ini FILE:SECTION reads another section; keys outside it are ignored" {
	cat >multi.ini <<-'EOF'
	top = ignored
	[uwsgi]
	processes = 2
	[staging]
	processes = 3
	socket = :9000
	[uwsgi]
	threads = 4
	EOF
	run --separate-stderr srv --show-config --ini multi.ini:staging
	assert_success
	assert_line "processes = 3"
	assert_line "socket = :9000"
	assert_line "threads = 1"
	run --separate-stderr srv --show-config --ini multi.ini
	assert_success
	assert_line "processes = 2"
	assert_line "threads = 4"
	refute_line --regexp '^socket = '
}

@test "--xml FILE:ID picks the <uwsgi id=ID> of a file holding several" {
	cat >multi.xml <<-'EOF'
	<?xml version="1.0"?>
	<apps>
	  <uwsgi id="one"><processes>2</processes></uwsgi>
	  <uwsgi id="two">
	    <processes>3</processes>
	    <log-format><![CDATA[%(uri) <%(status)>]]></log-format>
	  </uwsgi>
	</apps>
	EOF
	run --separate-stderr srv --show-config --xml multi.xml:two
	assert_success
	assert_line "processes = 3"
	assert_line "log-format = %(uri) <%(status)>"
	run --separate-stderr srv --show-config --xml multi.xml
	assert_success
	assert_line "processes = 2"
	fails_with "--xml: 'multi.xml' has no <uwsgi id=\"three\"> element" srv --show-config --xml multi.xml:three
}

@test "a lone FILE.ini or FILE.xml argument is read as that file, in place" {
	printf '[uwsgi]\nprocesses = 6\nsocket = :1\n[b]\nprocesses = 7\n' >app.ini
	printf '<uwsgi><threads>5</threads></uwsgi>\n' >app.xml
	run --separate-stderr srv app.ini --show-config
	assert_success
	assert_line "processes = 6"
	assert_line "socket = :1"
	run --separate-stderr srv --show-config app.ini:b app.xml
	assert_success
	assert_line "processes = 7"
	assert_line "threads = 5"
	# In place: a flag after it wins, one before it loses.
	run srv --show-config app.ini -p 9
	assert_line "processes = 9"
	run srv --show-config -p 9 app.ini
	assert_line "processes = 6"
	fails_with "unexpected argument 'app.py' (only a FILE.ini or FILE.xml goes without an option)" srv --show-config app.py
}

@test "files include files (--ini and --xml inside them), but not in a loop" {
	printf '[uwsgi]\nprocesses = 2\nxml = inner.xml\n' >outer.ini
	printf '<uwsgi><threads>3</threads><ini>leaf.ini:leaf</ini></uwsgi>\n' >inner.xml
	printf '[leaf]\nmaster = true\n' >leaf.ini
	run --separate-stderr srv --show-config --ini outer.ini
	assert_success
	assert_line "processes = 2"
	assert_line "threads = 3"
	assert_line "master = true"
	printf '[uwsgi]\nprocesses = 2\nini = self.ini\n' >self.ini
	fails_with "self.ini:3: ini: 'self.ini': files include each other more than 10 deep (does one include itself?)" srv --show-config --ini self.ini
	printf '<uwsgi><xml>a.xml</xml></uwsgi>\n' >b.xml
	printf '<uwsgi>\n<xml>b.xml</xml></uwsgi>\n' >a.xml
	run --separate-stderr srv --show-config a.xml
	assert_failure 1
	[[ "$stderr" == "uwsgi-server: "?".xml:"?": xml: '"?".xml': files include each other more than 10 deep"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "unknown options: one line naming the source (option, file:line)" {
	fails_with "unrecognized option '--procesess' (try --help)" srv --procesess 4
	fails_with "invalid option '-q' (try --help)" srv -q
	fails_with "option '--p' is ambiguous (try --help)" srv --p 4
	printf '[uwsgi]\nmaster = true\n\nprocesess = 4\n' >typo.ini
	fails_with "typo.ini:4: unknown option 'procesess'" srv --ini typo.ini
	printf '<uwsgi>\n  <master/>\n  <procesess>4</procesess>\n</uwsgi>\n' >typo.xml
	fails_with "typo.xml:3: unknown option 'procesess'" srv --xml typo.xml
	# UWSGI_* variables that are no option of ours belong to someone else.
	run --separate-stderr env UWSGI_PROCESESS=4 UWSGI_CGI_SOCKET=:1 UWSGI_VERSION=2.0.21 \
		"$UP_BIN/uwsgi-server" --show-config
	assert_success
	assert_output "$DEFAULTS"
}

@test "bad values: one line naming the source and the option" {
	fails_with "--processes: 'x' is not a number" srv --processes x
	fails_with "-p: '0' is not between 1 and 1024" srv -p 0
	fails_with "--threads: '513' is not between 1 and 512" srv --threads 513
	fails_with "--buffer-size: '65536' is not between 1 and 65535" srv --buffer-size 65536
	fails_with "--listen: '0' is not between 1 and 65535" srv --listen 0
	fails_with "--socket-timeout: '86401' is not between 1 and 86400" srv --socket-timeout 86401
	fails_with "--limit-post: '1z' is not a number of bytes" srv --limit-post 1z
	fails_with "--chmod-socket: 'rw' is not an octal mode such as 660" srv --chmod-socket=rw
	fails_with "--env: 'NOEQUALS' is not KEY=VALUE" srv --env NOEQUALS
	fails_with "--socket: needs a value" srv --socket ''
	fails_with "option '--socket' needs a value" srv --socket
	fails_with "option '--master' takes no value" srv --master=yes
	printf '[uwsgi]\nsocket = :1\nprocesses = many\n' >n.ini
	fails_with "n.ini:3: processes: 'many' is not a number" srv --ini n.ini
	printf '[uwsgi]\nmaster = maybe\n' >b.ini
	fails_with "b.ini:2: master: 'maybe' is not true or false" srv b.ini
	printf '[uwsgi]\nhelp = true\n' >h.ini
	fails_with "h.ini:2: help: works on the command line only" srv h.ini
	printf '<uwsgi>\n<threads> 0 </threads>\n</uwsgi>\n' >n.xml
	fails_with "n.xml:2: threads: '0' is not between 1 and 512" srv --xml n.xml
	fails_with "UWSGI_PROCESSES: 'x' is not a number" env UWSGI_PROCESSES=x "$UP_BIN/uwsgi-server" --show-config
	fails_with "UWSGI_MASTER: 'sometimes' is not true or false" env UWSGI_MASTER=sometimes "$UP_BIN/uwsgi-server" --show-config
}

@test "sizes take plain bytes or k/m/g suffixes" {
	run srv --show-config --buffer-size 32k --limit-post 10M --post-buffering 1g
	assert_success
	assert_line "buffer-size = 32768"
	assert_line "limit-post = 10485760"
	assert_line "post-buffering = 1073741824"
}

@test "missing, unreadable and malformed files: one line naming the file" {
	fails_with "--ini: cannot read 'missing.ini': No such file or directory" srv --ini missing.ini
	fails_with "--xml: cannot read 'missing.xml': No such file or directory" srv --xml missing.xml:id
	fails_with "cannot read 'missing.ini': No such file or directory" srv missing.ini
	fails_with "UWSGI_INI: cannot read 'missing.ini': No such file or directory" env UWSGI_INI=missing.ini "$UP_BIN/uwsgi-server"
	mkdir dir.ini
	fails_with "--ini: cannot read 'dir.ini': Is a directory" srv --ini dir.ini
	printf '[uwsgi]\nprocesses = 2\n[unclosed\n' >syntax.ini
	fails_with "syntax.ini:3: not a [section], key = value or comment line" srv --ini syntax.ini
	printf '[uwsgi]\nprocesses = 2\n' >plain.ini
	fails_with "--ini: 'plain.ini' has no options in section [prod]" srv --ini plain.ini:prod
	printf '<uwsgi>\n<master/>\n<processes>2</process>\n</uwsgi>\n' >broken.xml
	fails_with "broken.xml:3: mismatched tag" srv --xml broken.xml
	printf 'junk\n' >junk.xml
	fails_with "junk.xml:1: syntax error" srv --xml junk.xml
	printf '<config><master/></config>\n' >other.xml
	fails_with "--xml: 'other.xml' has no <uwsgi> element" srv --xml other.xml
	printf '<uwsgi>\n<master><processes>2</processes></master>\n</uwsgi>\n' >nested.xml
	fails_with "nested.xml:2: unexpected element <processes> inside an option" srv --xml nested.xml
}

@test "ini files read uWSGI's dialect: bare keys, ';' inside values, long lines" {
	{
		echo "# a comment"
		echo "; another"
		echo "[uwsgi]"
		echo "master"
		echo "socket = :1"
		echo "    processes = 3"
		echo "log-format = %(addr) ; %(uri)"
		printf 'pythonpath = /%s\n' "$(head -c 3000 /dev/zero | tr '\0' p)"
	} >dialect.ini
	run --separate-stderr srv --show-config --ini dialect.ini
	assert_success
	assert_line "master = true"
	assert_line "processes = 3"
	[ "$(grep -c '^socket = ' <<<"$output")" -eq 1 ]
	assert_line "log-format = %(addr) ; %(uri)"
	assert_line "pythonpath = /$(head -c 3000 /dev/zero | tr '\0' p)"
}

@test "--help lists every option of the table, one line each, aligned" {
	run --separate-stderr srv --help
	assert_success
	assert_line --index 0 --regexp '^usage: uwsgi-server '
	local names n
	names=$(grep -oE '^\s*\{ GROUP_[A-Z]+, "[a-z0-9-]+"' "$TABLE" | grep -oE '[a-z0-9-]+"$' | tr -d '"')
	n=$(wc -l <<<"$names")
	[ "$n" -ge 50 ]
	for name in $names; do
		assert_line --regexp "^  (-[A-Za-z], |    )--$name([ [].*)?  "
	done
	[ "$(grep -cE '^  (-[A-Za-z], |    )--[a-z]' <<<"$output")" -eq "$n" ]
	assert_line --regexp '^  -p, --processes N +number of worker processes \(default 1\)$'
	assert_line --regexp '^      --workers N +same as --processes$'
	assert_line --regexp '^  -s, --socket ADDR +serve the uwsgi protocol'
	assert_line --regexp '^  -C, --chmod-socket\[=MODE\] +'
	assert_line --regexp '^      --ini FILE\[:SECTION\] +'
	assert_line --regexp '^  -x, --xml FILE\[:ID\] +'
	assert_line --regexp '^      --show-config +'
	# Descriptions start in one column.
	[ "$(grep -E '^  (-[A-Za-z], |    )--' <<<"$output" \
		| awk '{ match($0, /^  (-[A-Za-z], |    )--[^ ]+( [^ ]+)? +/); print RLENGTH }' \
		| sort -u | wc -l)" -eq 1 ]
	[ -z "$stderr" ]
	run srv -h
	assert_success
	assert_line --index 0 --regexp '^usage: uwsgi-server '
}

@test "--version and -V print the version, even after other options" {
	run --separate-stderr srv -V
	assert_success
	assert_line --index 0 "uwsgi-server ${UP_VERSION:-0.1.0}"
	run --separate-stderr srv -p 2 --version
	assert_success
	assert_line --index 0 "uwsgi-server ${UP_VERSION:-0.1.0}"
}

@test "round trip: --show-config output read back with --ini prints itself" {
	local s name args=()
	for s in "${SETTINGS[@]}"; do
		name=${s%% *}
		if [ "$name" = "$s" ]; then args+=("--$name"); else args+=("--$name=${s#* }"); fi
	done
	run --separate-stderr srv --show-config "${args[@]}" --socket /tmp/second.sock \
		--http-socket :9090 --socket @abstract --env 'B=x;y = z' --pp /more
	assert_success
	local first=$output
	printf '%s\n' "$first" >shown.ini
	run --separate-stderr srv --show-config --ini shown.ini
	assert_success
	assert_output "$first"
	# The socket order (and so which socket is which) survives.
	[ "$(grep -E '^(http-)?socket = ' shown.ini | tail -n 3)" = "socket = /tmp/second.sock
http-socket = :9090
socket = @abstract" ]
	run --separate-stderr srv --show-config shown.ini
	assert_success
	assert_output "$first"
	fails_with "--ini: '/dev/null' has no options in section [uwsgi]" srv --show-config --ini /dev/null:uwsgi
	printf '%s\n' "$DEFAULTS" >defaults.ini
	run --separate-stderr srv --show-config defaults.ini
	assert_output "$DEFAULTS"
}
