package chdb

import "testing"

// The allocator's options are set only where the operator set none: a value
// in the environment, an empty one included, is theirs.
func TestMallocConf(t *testing.T) {
	for _, tc := range []struct {
		name     string
		env      map[string]string
		want     string
		wantSets bool
	}{
		{"unset: the default", map[string]string{}, DefaultMallocConf, true},
		{"set: left as it is", map[string]string{MallocConfEnv: "dirty_decay_ms:1000"}, "", false},
		{"set empty: the engine's own defaults", map[string]string{MallocConfEnv: ""}, "", false},
		{"another variable does not count", map[string]string{"MALLOC_CONF": "x"}, DefaultMallocConf, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, sets := mallocConf(func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			if got != tc.want || sets != tc.wantSets {
				t.Errorf("mallocConf = %q, %v; want %q, %v", got, sets, tc.want, tc.wantSets)
			}
		})
	}
}
