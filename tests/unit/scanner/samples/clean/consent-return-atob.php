<?php
// after a consent click, go back where the visitor was (kept base64 to survive quoting)
session_start();
$_SESSION['consent'] = true;
$back = base64_encode($_SESSION['return_to'] ?? '/');
echo "<script>document.cookie='consent=1;path=/';location = atob('$back');</script>";
