package chdb

import "testing"

// The allocator's options are set only where the operator set none: a value
// in the environment, an empty one included, is theirs.
func TestSetsMallocConf(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want bool
	}{
		{"unset: the default", map[string]string{}, true},
		{"set: left as it is", map[string]string{MallocConfEnv: "dirty_decay_ms:1000"}, false},
		{"set empty: the engine's own defaults", map[string]string{MallocConfEnv: ""}, false},
		{"another variable does not count", map[string]string{"MALLOC_CONF": "x"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := setsMallocConf(func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }); got != tc.want {
				t.Errorf("setsMallocConf = %v; want %v", got, tc.want)
			}
		})
	}
}
