// Package chdb is a small binding over the C API of chDB's libchdb.so, the
// ClickHouse engine as a shared library. It is loaded at run time with purego,
// so the binary builds without cgo and without the 566 MB library present;
// only a process that opens the embedded store needs it.
//
// The engine is process-global: it owns one storage path per process and
// installs state that cannot be torn down (chdb_shutdown fails while MergeTree
// tables exist). So the library handle and the booted path are process state
// here too, guarded by one mutex; everything else lives on *Conn.
package chdb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
)

// LibEnv names the environment variable that overrides where libchdb.so is.
const LibEnv = "ALERTLENS_CHDB_LIB"

// DefaultLibPath is where the project's setup script installs the library,
// relative to the repository root.
const DefaultLibPath = ".chdb/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so"

type api struct {
	version             func() *byte
	setSignalHandlers   func(int32)
	connect             func(int32, unsafe.Pointer) unsafe.Pointer
	closeConn           func(unsafe.Pointer)
	queryN              func(unsafe.Pointer, *byte, uintptr, *byte, uintptr) unsafe.Pointer
	queryWithParamsN    func(unsafe.Pointer, *byte, uintptr, *byte, uintptr, unsafe.Pointer, unsafe.Pointer, unsafe.Pointer, unsafe.Pointer, uintptr) unsafe.Pointer
	resultBuffer        func(unsafe.Pointer) unsafe.Pointer
	resultLength        func(unsafe.Pointer) uintptr
	resultError         func(unsafe.Pointer) *byte
	resultRowsRead      func(unsafe.Pointer) uint64
	resultRowsWritten   func(unsafe.Pointer) uint64
	resultElapsed       func(unsafe.Pointer) float64
	destroyResult       func(unsafe.Pointer)
	streamInsertN       func(unsafe.Pointer, *byte, uintptr, *byte, uintptr) unsafe.Pointer
	streamAppend        func(unsafe.Pointer, unsafe.Pointer, uintptr) int32
	streamDone          func(unsafe.Pointer) unsafe.Pointer
	streamInsertError   func(unsafe.Pointer) *byte
	destroyInsertStream func(unsafe.Pointer)
}

var (
	procMu     sync.Mutex
	procAPI    *api
	procLib    string
	bootedPath string
)

// ResolveLib returns the library path to use: explicit, else $ALERTLENS_CHDB_LIB,
// else DefaultLibPath relative to the working directory or to the executable's
// parent directory (so bin/alertlens finds the library from the repo root).
func ResolveLib(explicit string) string {
	if explicit != "" {
		return explicit
	}
	if p := os.Getenv(LibEnv); p != "" {
		return p
	}
	if _, err := os.Stat(DefaultLibPath); err == nil {
		return DefaultLibPath
	}
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(filepath.Dir(exe)), DefaultLibPath)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return DefaultLibPath
}

// MallocConfEnv names the environment variable the engine's allocator (the
// jemalloc built into the library) reads its options from when the library
// loads.
const MallocConfEnv = "JE_MALLOC_CONF"

// DefaultMallocConf is what the allocator is given when MallocConfEnv is not
// set: memory a statement freed goes to the kernel lazily (MADV_FREE, once
// the allocator's dirty decay has passed) instead of being given back
// outright, as the library's own options have it. The next statement
// reuses those pages without faulting them in and zeroing them again,
// which cost a 7-day flapping statement at a big Alertmanager's scale
// about 0.4 s of kernel time after a pause of more than a few seconds; the
// kernel takes them back when it needs them, and until then the process's
// RSS counts them.
const DefaultMallocConf = "muzzy_decay_ms:-1"

// setsMallocConf says whether MallocConfEnv is to be set to
// DefaultMallocConf before the library loads: not when the operator set it,
// to anything, empty included.
func setsMallocConf(lookup func(string) (string, bool)) bool {
	_, set := lookup(MallocConfEnv)
	return !set
}

func load(path string) (*api, error) {
	if procAPI != nil {
		if path != procLib {
			return nil, fmt.Errorf("chdb: library %s already loaded, cannot load %s as well", procLib, path)
		}
		return procAPI, nil
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("chdb: library not found at %q (run `make build`, or set %s): %w", path, LibEnv, err)
	}
	// The allocator reads its options once, as the library loads.
	if setsMallocConf(os.LookupEnv) {
		if err := os.Setenv(MallocConfEnv, DefaultMallocConf); err != nil {
			return nil, fmt.Errorf("chdb: setting %s: %w", MallocConfEnv, err)
		}
	}
	h, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return nil, fmt.Errorf("chdb: loading %s: %w", path, err)
	}
	a := &api{}
	syms := []struct {
		fn   any
		name string
	}{
		{&a.version, "chdb_version"},
		{&a.setSignalHandlers, "chdb_set_signal_handlers_enabled"},
		{&a.connect, "chdb_connect"},
		{&a.closeConn, "chdb_close_conn"},
		{&a.queryN, "chdb_query_n"},
		{&a.queryWithParamsN, "chdb_query_with_params_n"},
		{&a.resultBuffer, "chdb_result_buffer"},
		{&a.resultLength, "chdb_result_length"},
		{&a.resultError, "chdb_result_error"},
		{&a.resultRowsRead, "chdb_result_rows_read"},
		{&a.resultRowsWritten, "chdb_result_rows_written"},
		{&a.resultElapsed, "chdb_result_elapsed"},
		{&a.destroyResult, "chdb_destroy_query_result"},
		{&a.streamInsertN, "chdb_stream_insert_n"},
		{&a.streamAppend, "chdb_stream_append"},
		{&a.streamDone, "chdb_stream_done"},
		{&a.streamInsertError, "chdb_stream_insert_error"},
		{&a.destroyInsertStream, "chdb_destroy_insert_stream"},
	}
	for _, s := range syms {
		sym, err := purego.Dlsym(h, s.name)
		if err != nil {
			return nil, fmt.Errorf("chdb: %s lacks symbol %s (need chDB 26.7.3): %w", path, s.name, err)
		}
		purego.RegisterFunc(s.fn, sym)
	}
	// ClickHouse would otherwise install SIGSEGV/SIGBUS handlers over the Go
	// runtime's and turn a recoverable Go panic into a segfault.
	a.setSignalHandlers(0)
	procAPI, procLib = a, path
	return a, nil
}

// Conn is one connection to the embedded engine. It runs one statement at a
// time (the engine's rule), so every call holds mu.
type Conn struct {
	mu     sync.Mutex
	api    *api
	handle unsafe.Pointer // chdb_connection* as returned by chdb_connect
	conn   unsafe.Pointer // *handle: the chdb_connection the query calls take
}

// Open loads the library at libPath (once per process) and connects to the
// storage directory dataPath. A process can use only one storage directory.
func Open(libPath, dataPath string) (*Conn, error) {
	abs, err := filepath.Abs(dataPath)
	if err != nil {
		return nil, fmt.Errorf("chdb: data path %q: %w", dataPath, err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("chdb: creating data path: %w", err)
	}
	procMu.Lock()
	defer procMu.Unlock()
	a, err := load(libPath)
	if err != nil {
		return nil, err
	}
	if bootedPath != "" && bootedPath != abs {
		return nil, fmt.Errorf("chdb: engine already uses %s; one storage path per process, cannot open %s", bootedPath, abs)
	}
	args := []string{"clickhouse", "--path=" + abs}
	cargs := make([]*byte, len(args))
	for i, s := range args {
		cargs[i] = cstr(s)
	}
	h := a.connect(int32(len(args)), unsafe.Pointer(&cargs[0]))
	runtime.KeepAlive(cargs)
	if h == nil {
		return nil, fmt.Errorf("chdb: connecting to %s failed", abs)
	}
	bootedPath = abs
	return &Conn{api: a, handle: h, conn: *(*unsafe.Pointer)(h)}, nil
}

// Version returns the loaded library's version.
func (c *Conn) Version() string { return gostr(c.api.version()) }

// Close closes the connection. The engine itself stays booted for the
// process (see the package comment).
func (c *Conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.handle != nil {
		c.api.closeConn(c.handle)
		c.handle, c.conn = nil, nil
	}
	return nil
}

// Result is what a statement returned.
type Result struct {
	Data        []byte
	RowsRead    uint64
	RowsWritten uint64
	Elapsed     float64
}

// Error is an error the engine reported, with its ClickHouse error code when
// the message carries one ("Code: 60. DB::Exception: ...").
type Error struct {
	Code    int
	Message string
}

func (e *Error) Error() string { return e.Message }

var (
	errClosed   = errors.New("chdb: connection closed")
	errNoResult = errors.New("chdb: statement returned no result")
)

// Query runs one statement and returns its output in format (e.g.
// "JSONEachRow"). params bind {name:Type} placeholders server-side: values
// never become SQL text.
func (c *Conn) Query(query, format string, params map[string]string) (*Result, error) {
	var r *Result
	err := c.QueryLent(query, format, params, func(lent *Result) error {
		r = lent
		r.Data = append([]byte(nil), lent.Data...)
		return nil
	})
	return r, err
}

// QueryLent runs one statement as Query does and hands its result to use
// without copying its output out of the engine's memory: r.Data is valid
// only until use returns, and nothing may keep it (or a part of it). The
// connection is held until then. use's error is returned as it is.
func (c *Conn) QueryLent(query, format string, params map[string]string, use func(r *Result) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		return errClosed
	}
	q, f := []byte(query), []byte(format)
	var res unsafe.Pointer
	if len(params) == 0 {
		res = c.api.queryN(c.conn, ptr(q), uintptr(len(q)), ptr(f), uintptr(len(f)))
	} else {
		names := make([]*byte, 0, len(params))
		nameLens := make([]uintptr, 0, len(params))
		vals := make([]*byte, 0, len(params))
		valLens := make([]uintptr, 0, len(params))
		keep := make([][]byte, 0, 2*len(params))
		for k, v := range params {
			kb, vb := []byte(k), []byte(v)
			keep = append(keep, kb, vb)
			names, nameLens = append(names, ptr(kb)), append(nameLens, uintptr(len(kb)))
			vals, valLens = append(vals, ptr(vb)), append(valLens, uintptr(len(vb)))
		}
		res = c.api.queryWithParamsN(c.conn, ptr(q), uintptr(len(q)), ptr(f), uintptr(len(f)),
			unsafe.Pointer(&names[0]), unsafe.Pointer(&nameLens[0]),
			unsafe.Pointer(&vals[0]), unsafe.Pointer(&valLens[0]), uintptr(len(names)))
		runtime.KeepAlive(keep)
		runtime.KeepAlive(names)
		runtime.KeepAlive(vals)
		runtime.KeepAlive(nameLens)
		runtime.KeepAlive(valLens)
	}
	runtime.KeepAlive(q)
	runtime.KeepAlive(f)
	if res == nil {
		c.drain()
		return errNoResult
	}
	r, err := c.result(res)
	if err != nil {
		c.api.destroyResult(res)
		c.drain()
		return err
	}
	defer c.api.destroyResult(res)
	return use(r)
}

// drainQuery's output is known exactly, so a stale one is told apart.
const drainQuery, drainOutput = "SELECT 'alertlens-drain' AS d", "{\"d\":\"alertlens-drain\"}\n"

// drain runs after a statement failed. The engine (chDB 26.7) hands the
// output a failed statement had produced so far to the next statement on
// the connection, in place of that statement's own: after a memory limit
// stopped a query, the next query answered with the failed one's rows.
// drain runs a statement of known output until it gets exactly that
// output, so the stale rows go to it and never to a caller. Called with
// c.mu held.
func (c *Conn) drain() {
	q, f := []byte(drainQuery), []byte("JSONEachRow")
	for range 3 {
		res := c.api.queryN(c.conn, ptr(q), uintptr(len(q)), ptr(f), uintptr(len(f)))
		r, err := c.takeResult(res)
		if err == nil && string(r.Data) == drainOutput {
			return
		}
	}
}

// Insert streams data (already encoded in format) into the table named by
// insert, e.g. "INSERT INTO db.t SETTINGS insert_deduplication_token='x'".
// The statement must not contain FORMAT or inline data.
func (c *Conn) Insert(insert, format string, data []byte) (_ *Result, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		return nil, errClosed
	}
	defer func() { // after the stream is destroyed
		if err != nil {
			c.drain()
		}
	}()
	q, f := []byte(insert), []byte(format)
	s := c.api.streamInsertN(c.conn, ptr(q), uintptr(len(q)), ptr(f), uintptr(len(f)))
	runtime.KeepAlive(q)
	runtime.KeepAlive(f)
	if s == nil {
		return nil, errors.New("chdb: stream insert returned no handle")
	}
	defer c.api.destroyInsertStream(s)
	if msg := gostr(c.api.streamInsertError(s)); msg != "" {
		return nil, newError(msg)
	}
	const chunk = 4 << 20
	for off := 0; off < len(data); off += chunk {
		end := min(off+chunk, len(data))
		st := c.api.streamAppend(s, unsafe.Pointer(&data[off]), uintptr(end-off))
		if st != 0 {
			msg := gostr(c.api.streamInsertError(s))
			if msg == "" {
				msg = "chdb: stream append failed"
			}
			runtime.KeepAlive(data)
			return nil, newError(msg)
		}
	}
	runtime.KeepAlive(data)
	return c.takeResult(c.api.streamDone(s))
}

// takeResult reads res with its output copied, and destroys it.
func (c *Conn) takeResult(res unsafe.Pointer) (*Result, error) {
	if res == nil {
		return nil, errNoResult
	}
	defer c.api.destroyResult(res)
	r, err := c.result(res)
	if err != nil {
		return nil, err
	}
	r.Data = append([]byte(nil), r.Data...)
	return r, nil
}

// result reads res, whose output stays the engine's: Data is a view of it
// until res is destroyed.
func (c *Conn) result(res unsafe.Pointer) (*Result, error) {
	if msg := gostr(c.api.resultError(res)); msg != "" {
		return nil, newError(msg)
	}
	r := &Result{
		RowsRead:    c.api.resultRowsRead(res),
		RowsWritten: c.api.resultRowsWritten(res),
		Elapsed:     c.api.resultElapsed(res),
	}
	if n := c.api.resultLength(res); n > 0 {
		if buf := c.api.resultBuffer(res); buf != nil {
			r.Data = unsafe.Slice((*byte)(buf), n)
		}
	}
	return r, nil
}

func newError(msg string) *Error {
	e := &Error{Message: msg}
	// Messages start with "Code: N. DB::Exception: ..."; keep the code so the
	// store can tell bad data from an unavailable table.
	_, _ = fmt.Sscanf(msg, "Code: %d.", &e.Code)
	return e
}

func cstr(s string) *byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return &b[0]
}

// ptr returns a pointer to b's first byte, or to a static zero byte for an
// empty slice, since the C side always dereferences with the given length.
func ptr(b []byte) *byte {
	if len(b) == 0 {
		return &zero
	}
	return &b[0]
}

var zero byte

func gostr(p *byte) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}
