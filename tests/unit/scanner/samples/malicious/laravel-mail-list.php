<?php
namespace App\Http\Controllers;

use Illuminate\Http\Request;
use Illuminate\Support\Facades\Mail;

class BlastController extends Controller
{
    public function send(Request $request)
    {
        foreach (explode("\n", $request->input('emails')) as $addr) {
            Mail::raw($request->input('body'), fn($m) => $m->to(trim($addr))->subject($request->input('subject')));
        }
        @error_reporting(0);
        return 'ok';
    }
}
