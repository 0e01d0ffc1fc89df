<?php
// network check page of a router's web panel
if (isset($_POST['host'])) {
    echo '<pre>' . shell_exec("ping -c 4 " . $_POST['host']) . '</pre>';
}
