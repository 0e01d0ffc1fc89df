<?php
// an admin page runs one of its own actions, chosen from a fixed list
final class ReportActions {
    public static function daily($d) { return "daily report for $d"; }
    public static function weekly($d) { return "weekly report for $d"; }
}
$allowed = array('daily', 'weekly');
$action = in_array($_GET['a'] ?? '', $allowed, true) ? $_GET['a'] : 'daily';
$method = new ReflectionMethod(ReportActions::class, $action);
echo htmlspecialchars($method->invoke(null, date('Y-m-d')));
